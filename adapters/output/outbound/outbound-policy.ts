import {
  effectivePort,
  formatOriginPattern,
  hostnameOf,
  matchesOrigin,
  parseOriginPattern,
  type OriginPattern,
} from './origin-pattern.js';
import { isLinkLocal, isLoopbackName, NON_PUBLIC_DESCRIPTIONS, nonPublicKind } from './special-addresses.js';

/** Follows "host 'x' is" or "host 'x' resolves to y,", so that the refusal reads as one sentence. */
const LINK_LOCAL_REASON = `${NON_PUBLIC_DESCRIPTIONS['link-local']}, which is never allowed`;

/** The allowlist entry that stands for any host whose addresses are public, where a policy accepts it. */
export const ANY_PUBLIC_HOST = '*';

export interface OutboundPolicyOptions {
  /** `host` or `host:port` entries (see OriginPattern), as `parseAllowedOrigins` returns them. */
  allowed: readonly string[];
  /**
   * Whether the entry `*` allows any host whose addresses are public. Off, `*` is read as a host name like any
   * other entry, as JAR_ALLOWED_HOSTS always has.
   */
  acceptsAnyPublicHost?: boolean;
  /** The setting the entries come from, named in refusals (e.g. JAR_ALLOWED_HOSTS). */
  allowedSetting: string;
  /** The setting per-host credentials come from, named when a URL carries its own; none if there is no such setting. */
  credentialsSetting?: string;
}

/**
 * Which URLs the service may send a request to, and why not: http(s) only, no credentials in the URL, only the
 * origins on the allowlist (so a loopback address or another port of an allowed host only when listed), and never
 * a link-local address, listed or not, also after DNS. With `*` on the list any other host is allowed too, as long
 * as it is not, and does not resolve to, a loopback, private, unspecified or shared address. One policy for every
 * kind of outbound request.
 */
export class OutboundPolicy {
  private readonly allowed: OriginPattern[];
  private readonly anyPublicHost: boolean;

  constructor(private readonly options: OutboundPolicyOptions) {
    const wildcard = (entry: string) => options.acceptsAnyPublicHost === true && entry.trim() === ANY_PUBLIC_HOST;
    this.anyPublicHost = options.allowed.some(wildcard);
    this.allowed = options.allowed.filter((entry) => !wildcard(entry)).map((entry) => parseEntry(entry, options.allowedSetting));
  }

  /** Why `url` may not be fetched, or undefined if it may. Looks at the URL only; see `addressRefusal`. */
  refusalFor(url: URL): string | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return `scheme '${url.protocol.slice(0, -1)}' is not supported, only http and https`;
    }
    if (url.username || url.password) {
      const elsewhere = this.options.credentialsSetting;
      return `credentials in the URL (user:password@) are not accepted${elsewhere ? `; per-host credentials come from ${elsewhere}` : ''}`;
    }
    if (isLinkLocal(url.hostname)) {
      return `host '${url.hostname}' is ${LINK_LOCAL_REASON}`;
    }
    if (this.isListed(url)) return undefined;
    if (this.anyPublicHost) return this.nonPublicRefusal(url);
    return `host '${this.shownHost(url)}' is not in ${this.options.allowedSetting} (${this.listText()})`;
  }

  /**
   * Why connecting to `address`, one of the addresses the host of `url` resolved to, is refused; undefined if it is
   * not. A link-local address never passes; with `*`, a non-public one passes only for an origin listed itself.
   */
  addressRefusal(url: URL, address: string): string | undefined {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isLinkLocal(address)) return `host '${host}' resolves to ${address}, ${LINK_LOCAL_REASON}`;
    if (!this.anyPublicHost || this.isListed(url)) return undefined;
    const kind = nonPublicKind(address);
    if (kind === undefined) return undefined;
    return `host '${host}' resolves to ${address}, ${NON_PUBLIC_DESCRIPTIONS[kind]}, ${this.onlyWhenListed()}`;
  }

  private isListed(url: URL): boolean {
    return this.allowed.some((entry) => matchesOrigin(entry, url));
  }

  /** Why a URL that only `*` could allow is refused: its host is an IP literal or a name that is not public. */
  private nonPublicRefusal(url: URL): string | undefined {
    const hostname = hostnameOf(url);
    const kind = isLoopbackName(hostname) ? 'loopback' : nonPublicKind(hostname);
    if (kind === undefined) return undefined;
    const what = isLoopbackName(hostname) ? 'a loopback name' : NON_PUBLIC_DESCRIPTIONS[kind];
    return `host '${this.shownHost(url)}' is ${what}, ${this.onlyWhenListed()}`;
  }

  private onlyWhenListed(): string {
    return `which is allowed only when listed in ${this.options.allowedSetting} (${this.listText()})`;
  }

  /** The host, with the port when the same host is listed on another one (so the refusal says what differs). */
  private shownHost(url: URL): string {
    const hostname = hostnameOf(url);
    const sameHost = this.allowed.some((entry) => entry.hostname === hostname);
    return sameHost ? `${hostname}:${effectivePort(url)}` : hostname;
  }

  private listText(): string {
    const entries = [...(this.anyPublicHost ? [ANY_PUBLIC_HOST] : []), ...this.allowed.map(formatOriginPattern)];
    return entries.join(', ') || 'empty';
  }
}

/**
 * Parses a comma-separated allowlist into normalized entries (`host` or `host:port`), dropping empty ones and
 * repeats; with `acceptsAnyPublicHost`, `*` is kept as it is. Throws an Error naming the first entry that is not a host.
 */
export function parseAllowedOrigins(list: string, setting: string, acceptsAnyPublicHost = false): string[] {
  const entries = list
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) =>
      acceptsAnyPublicHost && entry.trim() === ANY_PUBLIC_HOST ? ANY_PUBLIC_HOST : formatOriginPattern(parseEntry(entry, setting)),
    );
  return [...new Set(entries)];
}

function parseEntry(entry: string, setting: string): OriginPattern {
  const pattern = parseOriginPattern(entry);
  if (!pattern) throw new Error(`${setting} entry '${entry}' is not a host name, IP address or host:port`);
  return pattern;
}
