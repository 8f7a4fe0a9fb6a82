import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Link-local addresses: 169.254.0.0/16 is where cloud metadata services answer (169.254.169.254), fe80::/10 is its
 * IPv6 counterpart. BlockList also matches IPv4-mapped IPv6 forms such as ::ffff:169.254.169.254.
 */
const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

/** Whether `address` (an IP literal, IPv6 with or without brackets) is link-local; false for host names. */
export function isLinkLocal(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (isIPv6(bare)) return linkLocal.check(bare, 'ipv6');
  return isIPv4(bare) && linkLocal.check(bare, 'ipv4');
}

export const LINK_LOCAL_REASON =
  'a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer) is never allowed';

interface AllowedHost {
  hostname: string;
  /** Only this port when set; any port when undefined. */
  port: string | undefined;
}

/**
 * Reads one JAR_ALLOWED_HOSTS entry: `host` allows any port, `host:port` only that port (the URL's port, or 80/443
 * when it has none). IPv6 literals are written `[::1]` or `[::1]:8080`; a bare `::1` is also understood. Host names
 * are put in the form WHATWG URL parsing gives them (lower case, punycode, no trailing dot), so they compare with
 * `URL.hostname` as they are.
 */
function parseAllowedHost(entry: string): AllowedHost {
  const text = entry.trim();
  const match = isIPv6(text) ? ['', `[${text}]`, undefined] : /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[2];
  let hostname: string | undefined;
  try {
    hostname = match?.[1] && new URL(`http://${match[1]}/`).hostname;
  } catch {
    hostname = undefined;
  }
  if (!hostname || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new Error(`JAR_ALLOWED_HOSTS entry '${entry}' is not a host name, IP address or host:port`);
  }
  return { hostname: withoutTrailingDot(hostname), port: port === undefined ? undefined : String(Number(port)) };
}

function formatAllowedHost({ hostname, port }: AllowedHost): string {
  return port === undefined ? hostname : `${hostname}:${port}`;
}

/**
 * Parses a comma-separated JAR_ALLOWED_HOSTS value into normalized entries (`host` or `host:port`), dropping empty
 * ones. Throws an Error naming the first entry that is not a host.
 */
export function parseAllowedHosts(list: string): string[] {
  const entries = list
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => formatAllowedHost(parseAllowedHost(entry)));
  return [...new Set(entries)];
}

/** The allowlist when JAR_ALLOWED_HOSTS is not set: the data processor's host (any port) and localhost. */
export function defaultAllowedHosts(dataProcessorUrl: string): string[] {
  return [...new Set([withoutTrailingDot(new URL(dataProcessorUrl).hostname), 'localhost'])];
}

function withoutTrailingDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Where a job's JAR may come from: http(s) only, allowed hosts only, never a link-local address. */
export class JarHostPolicy {
  private readonly allowed: AllowedHost[];
  private readonly base: URL;

  constructor(dataProcessorUrl: string, allowedHosts: readonly string[]) {
    this.allowed = allowedHosts.map(parseAllowedHost);
    // A trailing slash makes relative resolution keep the base path: http://dp/api + /jars/a.jar -> /api/jars/a.jar
    this.base = new URL(dataProcessorUrl.replace(/\/*$/, '/'));
  }

  /**
   * The absolute URL `jarURL` stands for, or why it may not be used. A path starting with '/' is resolved below the
   * data processor URL, keeping that URL's own path.
   */
  locate(jarURL: string): { url: URL; refusal?: undefined } | { url?: undefined; refusal: string } {
    let url: URL;
    try {
      url = jarURL.startsWith('/') ? new URL(`.${jarURL}`, this.base) : new URL(jarURL);
    } catch {
      return { refusal: "it is neither an absolute http(s) URL nor a path starting with '/'" };
    }
    const refusal = this.refusalFor(url);
    return refusal === undefined ? { url } : { refusal };
  }

  /** Why `url` may not be fetched, or undefined if it may. Looks at the URL only; addresses are checked later. */
  refusalFor(url: URL): string | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return `scheme '${url.protocol.slice(0, -1)}' is not supported, only http and https`;
    }
    if (isLinkLocal(url.hostname)) {
      return `host '${url.hostname}' is ${LINK_LOCAL_REASON}`;
    }
    const hostname = withoutTrailingDot(url.hostname);
    const port = effectivePort(url);
    const sameHost = this.allowed.filter((entry) => entry.hostname === hostname);
    if (sameHost.some((entry) => entry.port === undefined || entry.port === port)) {
      return undefined;
    }
    const shown = sameHost.length > 0 ? `${hostname}:${port}` : hostname;
    const list = this.allowed.map(formatAllowedHost).join(', ') || 'empty';
    return `host '${shown}' is not in JAR_ALLOWED_HOSTS (${list})`;
  }
}
