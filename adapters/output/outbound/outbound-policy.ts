import { BlockList, isIPv4, isIPv6 } from 'node:net';
import {
  effectivePort,
  formatOriginPattern,
  hostnameOf,
  matchesOrigin,
  parseOriginPattern,
  type OriginPattern,
} from './origin-pattern.js';

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

/** Follows "host 'x' is" or "host 'x' resolves to y,", so that the refusal reads as one sentence. */
const LINK_LOCAL_REASON =
  'a link-local address (169.254.0.0/16 or fe80::/10, where cloud metadata services answer), which is never allowed';

export interface OutboundPolicyOptions {
  /** `host` or `host:port` entries (see OriginPattern), as `parseAllowedOrigins` returns them. */
  allowed: readonly string[];
  /** The setting the entries come from, named in refusals (e.g. JAR_ALLOWED_HOSTS). */
  allowedSetting: string;
  /** The setting per-host credentials come from, named when a URL carries its own. */
  credentialsSetting: string;
}

/**
 * Which URLs the service may send a request to, and why not: http(s) only, no credentials in the URL, only the
 * origins on the allowlist (so a loopback address or another port of an allowed host only when listed), and never
 * a link-local address, listed or not, also after DNS. One policy for every kind of outbound request.
 */
export class OutboundPolicy {
  private readonly allowed: OriginPattern[];

  constructor(private readonly options: OutboundPolicyOptions) {
    this.allowed = options.allowed.map((entry) => parseEntry(entry, options.allowedSetting));
  }

  /** Why `url` may not be fetched, or undefined if it may. Looks at the URL only; see `addressRefusal`. */
  refusalFor(url: URL): string | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return `scheme '${url.protocol.slice(0, -1)}' is not supported, only http and https`;
    }
    if (url.username || url.password) {
      return `credentials in the URL (user:password@) are not accepted; per-host credentials come from ${this.options.credentialsSetting}`;
    }
    if (isLinkLocal(url.hostname)) {
      return `host '${url.hostname}' is ${LINK_LOCAL_REASON}`;
    }
    if (this.allowed.some((entry) => matchesOrigin(entry, url))) return undefined;
    const hostname = hostnameOf(url);
    const sameHost = this.allowed.some((entry) => entry.hostname === hostname);
    const shown = sameHost ? `${hostname}:${effectivePort(url)}` : hostname;
    const list = this.allowed.map(formatOriginPattern).join(', ') || 'empty';
    return `host '${shown}' is not in ${this.options.allowedSetting} (${list})`;
  }

  /** Why connecting to `address`, one of the addresses `host` resolved to, is refused; undefined if it is not. */
  addressRefusal(host: string, address: string): string | undefined {
    return isLinkLocal(address) ? `host '${host}' resolves to ${address}, ${LINK_LOCAL_REASON}` : undefined;
  }
}

/**
 * Parses a comma-separated allowlist into normalized entries (`host` or `host:port`), dropping empty ones and
 * repeats. Throws an Error naming the first entry that is not a host.
 */
export function parseAllowedOrigins(list: string, setting: string): string[] {
  const entries = list
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => formatOriginPattern(parseEntry(entry, setting)));
  return [...new Set(entries)];
}

function parseEntry(entry: string, setting: string): OriginPattern {
  const pattern = parseOriginPattern(entry);
  if (!pattern) throw new Error(`${setting} entry '${entry}' is not a host name, IP address or host:port`);
  return pattern;
}
