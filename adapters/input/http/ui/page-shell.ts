import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ExecutionStatus } from '../../../../domain/entities/execution.js';

export type Markup = HtmlEscapedString;

/**
 * hono's `markup` tag, typed for what the console does with it: every interpolated string is escaped, markup made by
 * the tag is kept, and nothing interpolated is a promise, so the result is ready at once.
 */
export const markup = html as (strings: TemplateStringsArray, ...values: unknown[]) => Markup;

/** What a console page may load: its own stylesheet, nothing else; no script at all, and forms post only here. */
export const CONSOLE_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** How often a page reloads itself, in seconds: runs move on while someone watches. */
const REFRESH_SECONDS = 5;

export interface PageOptions {
  title: string;
  body: Markup;
  /** Reload the page every few seconds (not for forms: a reload would clear what is typed). */
  refresh?: boolean;
  /** Go on to this page at once (after signing in). */
  continueTo?: string;
  /** Offer to sign out: the page was reached with the console's key cookie. */
  signOut?: boolean;
}

/** A whole console page: header with the links every page has, then the body. Every value is escaped by `markup`. */
export function consolePage({ title, body, refresh = false, continueTo, signOut = false }: PageOptions): Markup {
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? markup`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}
${continueTo ? markup`<meta http-equiv="refresh" content="0; url=${continueTo}">` : ''}
<title>${title} · Flink job scheduler</title>
<link rel="stylesheet" href="/ui/console.css">
<link rel="icon" type="image/svg+xml" href="/ui/icon.svg">
</head>
<body>
<header>
<a class="brand" href="/ui">Flink job scheduler</a>
<a href="/ui">Jobs</a>
<a href="/docs">API reference</a>
${signOut ? markup`<form method="post" action="/ui/logout"><button type="submit">Sign out</button></form>` : ''}
</header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Answers with a console page, under the console's content security policy. */
export function sendPage(c: Context, page: Markup, status: ContentfulStatusCode = 200): Response {
  c.header('Content-Security-Policy', CONSOLE_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  return c.html(page, status);
}

/** An instant as people read it, in UTC to the second; a dash for none. */
export function instant(at: Date | null | undefined): Markup {
  if (!at) return markup`<span class="muted">–</span>`;
  const iso = at.toISOString();
  return markup`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

/** A span of time as people read it: 850 ms, 42 s, 3 min 5 s, 2 h 10 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function statusBadge(status: ExecutionStatus): Markup {
  return markup`<span class="badge s-${status}">${status}</span>`;
}

/** Links to the first page (from a later one) and to the next page of a list (but on its last page). */
export function pager(path: string, nextContinuationToken: string | null, onLaterPage: boolean): Markup {
  const next = nextContinuationToken
    ? markup`<a rel="next" href="${path}?continuationToken=${encodeURIComponent(nextContinuationToken)}">Next page →</a>`
    : '';
  const first = onLaterPage ? markup`<a href="${path}">← First page</a>` : '';
  return markup`<div class="pager">${first}${next}</div>`;
}
