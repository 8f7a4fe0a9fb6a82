import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { bearerKey } from '../access/guard.js';
import { consolePage, markup, sendPage } from './page-shell.js';
import type * as routes from './routes.js';

/**
 * A browser cannot send an Authorization header when it follows a link, so the console takes the API key once, in
 * a form, and keeps it in a cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * scoped to /ui (the API never receives it, so it cannot be used for a change), and Secure over HTTPS. It lasts
 * until the browser closes, or the key is revoked.
 */
export const CONSOLE_KEY_COOKIE = 'fjs_console_key';
const COOKIE_PATH = '/ui';

/** The key of a console request: an Authorization header if there is one, else the console's cookie. */
export function consoleKey(c: Context): string | undefined {
  return bearerKey(c) ?? getCookie(c, CONSOLE_KEY_COOKIE);
}

export const signedInWithCookie = (c: Context) => getCookie(c, CONSOLE_KEY_COOKIE) !== undefined;

export type LoginState = 'asked' | 'refused' | 'expired' | 'signed-out';

const MESSAGES: Record<LoginState, string> = {
  asked: 'This service needs an API key. Any key will do: the console only reads.',
  refused: 'That key is not one this service knows.',
  expired: 'The key this browser kept is no longer valid; enter a current one.',
  'signed-out': 'Signed out: this browser no longer keeps the key.',
};

/** The page with the key form; without API keys configured it says so and leads to the jobs. */
export function loginPage(c: Context, access: AccessControl, state: LoginState, status: 200 | 401 = 200): Response {
  if (access.authenticate(undefined).kind === 'known') {
    const body = markup`<h1>No key needed</h1><p>This service runs without API keys. <a href="/ui">See the jobs</a>.</p>`;
    return sendPage(c, consolePage({ title: 'Sign in', body }), status);
  }
  const notice = state === 'asked' ? markup`<p>${MESSAGES[state]}</p>` : markup`<p class="notice">${MESSAGES[state]}</p>`;
  const body = markup`<h1>Sign in</h1>${notice}
<form class="login" method="post" action="/ui/login">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="muted">The key is kept in a cookie only this console receives; it is never shown on a page.</p>`;
  return sendPage(c, consolePage({ title: 'Sign in', body }), status);
}

export function showLogin(access: AccessControl): RouteHandler<typeof routes.loginPage> {
  return (c) => loginPage(c, access, 'asked');
}

export function login(access: AccessControl): RouteHandler<typeof routes.login> {
  return (c) => {
    const key = c.req.valid('form').key.trim();
    const authentication = access.authenticate(key || undefined);
    if (authentication.kind !== 'known') return loginPage(c, access, 'refused', 401);
    setCookie(c, CONSOLE_KEY_COOKIE, key, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    const body = markup`<h1>Signed in</h1><p>As <strong>${authentication.actor.name}</strong>. <a href="/ui">See the jobs</a>.</p>`;
    // A page rather than a redirect: a redirect would read as a refused change in the audit trail.
    return sendPage(c, consolePage({ title: 'Signed in', body, continueTo: '/ui' }));
  };
}

export function logout(access: AccessControl): RouteHandler<typeof routes.logout> {
  return (c) => {
    forgetKey(c);
    return loginPage(c, access, 'signed-out');
  };
}

/** Removes the console's cookie from the browser. */
export function forgetKey(c: Context): void {
  deleteCookie(c, CONSOLE_KEY_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict' });
}
