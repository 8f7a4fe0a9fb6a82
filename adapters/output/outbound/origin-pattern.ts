import { isIPv6 } from 'node:net';

/**
 * A host, or a host and port, as written in an allowlist or a credentials file. `host` stands for the scheme's
 * default port (80 for http, 443 for https), as in a URL without a port; `host:port` for that port only.
 */
export interface OriginPattern {
  /** As WHATWG URL parsing gives it (lower case, punycode, IPv6 in brackets), without a trailing dot. */
  hostname: string;
  /** Undefined: the URL's default port. */
  port: number | undefined;
}

/**
 * Reads `host`, `host:port`, `[::1]`, `[::1]:8080` (a bare `::1` too); undefined when the text is none of these.
 * Host names are normalized as URLs normalize them, so they compare with `URL.hostname` as they are.
 */
export function parseOriginPattern(text: string): OriginPattern | undefined {
  const trimmed = text.trim();
  const match = isIPv6(trimmed) ? ['', `[${trimmed}]`, undefined] : /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(trimmed);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  let hostname: string | undefined;
  try {
    hostname = match?.[1] && new URL(`http://${match[1]}/`).hostname;
  } catch {
    hostname = undefined;
  }
  if (!hostname || (port !== undefined && (port < 1 || port > 65535))) return undefined;
  return { hostname: withoutTrailingDot(hostname), port };
}

export function formatOriginPattern({ hostname, port }: OriginPattern): string {
  return port === undefined ? hostname : `${hostname}:${port}`;
}

/** The pattern that matches exactly the origin (host and port) of `url`. */
export function originOf(url: URL): OriginPattern {
  return { hostname: hostnameOf(url), port: effectivePort(url) };
}

export function matchesOrigin(pattern: OriginPattern, url: URL): boolean {
  return pattern.hostname === hostnameOf(url) && (pattern.port ?? defaultPort(url)) === effectivePort(url);
}

/** Whether some URL matches both patterns (`host` covers ports 80 and 443, one per scheme). */
export function overlaps(a: OriginPattern, b: OriginPattern): boolean {
  const ports = ({ port }: OriginPattern) => (port === undefined ? [80, 443] : [port]);
  return a.hostname === b.hostname && ports(a).some((port) => ports(b).includes(port));
}

export function hostnameOf(url: URL): string {
  return withoutTrailingDot(url.hostname);
}

export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : defaultPort(url);
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

function withoutTrailingDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}
