import { ArtifactError } from '../../../domain/errors.js';
import type { ArtifactSource, LocalArtifact } from '../../../domain/ports/output/artifact-source.js';
import { OutboundCredentials } from '../outbound/outbound-credentials.js';
import { systemLookup, type HostLookup } from '../outbound/checked-addresses.js';
import { shown } from './download-errors.js';
import { JarCache } from './jar-cache.js';
import { saveJar } from './jar-download.js';
import { jarOutboundPolicy, JarLocator } from './jar-location.js';
import { requestJar, type JarRequestOptions } from './jar-request.js';

export type { HostLookup } from '../outbound/checked-addresses.js';
export { defaultAllowedHosts, parseAllowedHosts } from './jar-location.js';

export interface HttpArtifactSourceOptions {
  /** Directory of the content-addressed cache (`<sha256>.jar`); created when first needed. */
  cacheDir: string;
  /** Base for jarURLs that are paths starting with '/'. */
  dataProcessorUrl: string;
  /** `host` (the scheme's default port) or `host:port` entries, as `parseAllowedHosts` returns them. */
  allowedHosts: string[];
  /** Authorization per host (JAR_FETCH_CREDENTIALS_FILE); none by default. */
  credentials?: OutboundCredentials;
  maxBytes: number;
  /** Most the cache holds (JAR_CACHE_MAX_BYTES); unbounded by default. */
  cacheMaxBytes?: number;
  /** Limit for the whole download, redirects included. Default 10 minutes. */
  timeoutMs?: number;
  /** Limit for connecting and for each wait for more bytes. Default 30 seconds. */
  idleTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Resolves host names before connecting; node:dns by default. */
  lookup?: HostLookup;
}

/**
 * Downloads JARs over http(s) into a content-addressed cache. Every URL, the first and each redirect target, must
 * pass the outbound policy, and every address its host resolves to is checked before connecting; the connection
 * then goes to exactly those addresses, so a second DNS answer cannot swap in another one.
 */
export class HttpArtifactSource implements ArtifactSource {
  private readonly locator: JarLocator;
  private readonly cache: JarCache;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly requests: JarRequestOptions;

  constructor(options: HttpArtifactSourceOptions) {
    const policy = jarOutboundPolicy(options.allowedHosts);
    this.locator = new JarLocator(options.dataProcessorUrl, policy);
    this.cache = new JarCache(options.cacheDir, options.cacheMaxBytes);
    this.maxBytes = options.maxBytes;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    this.requests = {
      policy,
      credentials: options.credentials ?? OutboundCredentials.none,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      maxRedirects: options.maxRedirects ?? 5,
      lookup: options.lookup ?? systemLookup,
    };
  }

  refusalFor(jarURL: string): string | undefined {
    return this.locator.locate(jarURL).refusal;
  }

  async cached(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact | undefined> {
    this.allowedLocation(jarURL);
    return expectedSha256 ? this.cache.take(expectedSha256.toLowerCase()) : undefined;
  }

  release(artifact: LocalArtifact): void {
    this.cache.release(artifact.sha256);
  }

  /** At start: removes the partial downloads a dead process left, and trims the cache to its cap. */
  tidyCache(): Promise<void> {
    return this.cache.tidy(this.requests.idleTimeoutMs);
  }

  async fetch(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact> {
    const located = this.allowedLocation(jarURL);
    const cached = await this.cached(jarURL, expectedSha256);
    if (cached) return cached;

    const download = new AbortController();
    const deadline = setTimeout(
      () => download.abort(new Error(`it took longer than ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const { response, url } = await requestJar(located, download, this.requests);
      return await saveJar(response, {
        url,
        cache: this.cache,
        maxBytes: this.maxBytes,
        expectedSha256: expectedSha256?.toLowerCase() ?? null,
        signal: download.signal,
      });
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Where `jarURL` points, if the policy allows it; a job whose URL is no longer allowed must not run. */
  private allowedLocation(jarURL: string): URL {
    const located = this.locator.locate(jarURL);
    if (located.refusal !== undefined) {
      const where = located.url ? shown(located.url) : 'jarURL';
      throw new ArtifactError('JAR_URL_NOT_ALLOWED', `${where} is not allowed: ${located.refusal}`);
    }
    return located.url;
  }
}
