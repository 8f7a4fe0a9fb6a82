import { OutboundPolicy, parseAllowedOrigins } from '../outbound/outbound-policy.js';
import { formatOriginPattern, originOf } from '../outbound/origin-pattern.js';

/** The settings JAR downloads are governed by, named in refusals. */
const ALLOWED_SETTING = 'JAR_ALLOWED_HOSTS';
const CREDENTIALS_SETTING = 'JAR_FETCH_CREDENTIALS_FILE';

/**
 * Parses a JAR_ALLOWED_HOSTS value into normalized `host` / `host:port` entries. A `host` allows the scheme's
 * default port only (80 for http, 443 for https). Throws an Error naming the first entry that is not a host.
 */
export function parseAllowedHosts(list: string): string[] {
  return parseAllowedOrigins(list, ALLOWED_SETTING);
}

/** The allowlist when JAR_ALLOWED_HOSTS is not set: the origin (host and port) of the data processor URL. */
export function defaultAllowedHosts(dataProcessorUrl: string): string[] {
  return [formatOriginPattern(originOf(new URL(dataProcessorUrl)))];
}

/** The outbound policy of JAR downloads: the allowed hosts, and the settings its refusals point to. */
export function jarOutboundPolicy(allowedHosts: readonly string[]): OutboundPolicy {
  return new OutboundPolicy({
    allowed: allowedHosts,
    allowedSetting: ALLOWED_SETTING,
    credentialsSetting: CREDENTIALS_SETTING,
  });
}

/** Where a job's JAR is: a jarURL made absolute, if the outbound policy lets it be fetched. */
export class JarLocator {
  private readonly base: URL;

  constructor(
    dataProcessorUrl: string,
    private readonly policy: OutboundPolicy,
  ) {
    // A trailing slash makes relative resolution keep the base path: http://dp/api + /jars/a.jar -> /api/jars/a.jar
    this.base = new URL(dataProcessorUrl.replace(/\/*$/, '/'));
  }

  /**
   * The absolute URL `jarURL` stands for, or why it may not be used. A path starting with '/' is resolved below the
   * data processor URL, keeping that URL's own path. The reason never repeats credentials the jarURL carries.
   */
  locate(jarURL: string): { url: URL; refusal?: undefined } | { url?: URL; refusal: string } {
    let url: URL;
    try {
      url = jarURL.startsWith('/') ? new URL(`.${jarURL}`, this.base) : new URL(jarURL);
    } catch {
      return { refusal: "it is neither an absolute http(s) URL nor a path starting with '/'" };
    }
    const refusal = this.policy.refusalFor(url);
    return refusal === undefined ? { url } : { url, refusal };
  }
}
