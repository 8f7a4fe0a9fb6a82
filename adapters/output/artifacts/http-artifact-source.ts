import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from '../../../domain/errors.js';
import type { ArtifactSource, LocalArtifact } from '../../../domain/ports/output/artifact-source.js';
import { isLinkLocal, JarHostPolicy, LINK_LOCAL_REASON } from './host-policy.js';
import { JarCache } from './jar-cache.js';

export { defaultAllowedHosts, parseAllowedHosts } from './host-policy.js';

/** All addresses of a host name, as `dns.lookup(hostname, { all: true })` gives them. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export interface HttpArtifactSourceOptions {
  /** Directory of the content-addressed cache (`<sha256>.jar`); created when first needed. */
  cacheDir: string;
  /** Base for jarURLs that are paths starting with '/'. */
  dataProcessorUrl: string;
  /** `host` (any port) or `host:port` entries, as `parseAllowedHosts` returns them. */
  allowedHosts: string[];
  maxBytes: number;
  /** Limit for the whole download, redirects included. Default 10 minutes. */
  timeoutMs?: number;
  /** Limit for connecting and for each wait for more bytes. Default 30 seconds. */
  idleTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Resolves host names before connecting; node:dns by default. */
  lookup?: HostLookup;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * Downloads JARs over http(s) into a content-addressed cache. Every URL, the first and each redirect target, must
 * pass the host policy, and every address its host resolves to is checked before connecting; the connection then
 * goes to exactly those addresses, so a second DNS answer cannot swap in another one.
 */
export class HttpArtifactSource implements ArtifactSource {
  private readonly policy: JarHostPolicy;
  private readonly cache: JarCache;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxRedirects: number;
  private readonly lookup: HostLookup;

  constructor(options: HttpArtifactSourceOptions) {
    this.policy = new JarHostPolicy(options.dataProcessorUrl, options.allowedHosts);
    this.cache = new JarCache(options.cacheDir);
    this.maxBytes = options.maxBytes;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.lookup = options.lookup ?? systemLookup;
  }

  refusalFor(jarURL: string): string | undefined {
    return this.policy.locate(jarURL).refusal;
  }

  async cached(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact | undefined> {
    this.allowedLocation(jarURL);
    return expectedSha256 ? this.cache.find(expectedSha256.toLowerCase()) : undefined;
  }

  async fetch(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact> {
    const located = this.allowedLocation(jarURL);
    const cached = await this.cached(jarURL, expectedSha256);
    if (cached) return cached;
    const expected = expectedSha256?.toLowerCase() ?? null;

    const download = new AbortController();
    const deadline = setTimeout(
      () => download.abort(new Error(`it took longer than ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const { response, url } = await this.followRedirects(located, download);
      return await this.store(response, url, expected, download.signal);
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Where `jarURL` points, if the policy allows it; a job whose URL is no longer allowed must not run. */
  private allowedLocation(jarURL: string): URL {
    const located = this.policy.locate(jarURL);
    if (located.refusal !== undefined) {
      throw new ArtifactError('JAR_URL_NOT_ALLOWED', `jarURL '${jarURL}' is not allowed: ${located.refusal}`);
    }
    return located.url;
  }

  private async followRedirects(
    first: URL,
    download: AbortController,
  ): Promise<{ response: IncomingMessage; url: URL }> {
    let url = first;
    for (let redirects = 0; ; redirects++) {
      const response = await this.get(url, download);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location) {
        return { response, url };
      }
      response.destroy();
      if (redirects === this.maxRedirects) {
        throw downloadFailed(url, `it redirected more than ${this.maxRedirects} times`);
      }
      const next = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
      if (!next) {
        throw downloadFailed(url, `it redirected to '${location}', which is not a URL`);
      }
      const refusal = this.policy.refusalFor(next);
      if (refusal !== undefined) {
        throw new ArtifactError(
          'JAR_URL_NOT_ALLOWED',
          `${shown(url)} redirected to ${shown(next)}, which is not allowed: ${refusal}`,
        );
      }
      url = next;
    }
  }

  /** Sends a GET to `url` and waits for the response head. */
  private async get(url: URL, download: AbortController): Promise<IncomingMessage> {
    const addresses = await this.vettedAddresses(url);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          agent: false,
          lookup: pinnedTo(addresses),
          signal: download.signal,
          headers: {
            accept: 'application/java-archive, application/octet-stream, */*',
            'user-agent': 'flink-job-scheduler',
          },
        },
        resolve,
      );
      // The socket's inactivity timer covers connecting and every later wait for bytes.
      request.setTimeout(this.idleTimeoutMs, () =>
        download.abort(new Error(`nothing arrived for ${this.idleTimeoutMs} ms`)),
      );
      request.on('error', (error) => reject(downloadFailed(url, download.signal.reason ?? error, error)));
      request.end();
    });
  }

  /** The addresses to connect to for `url`, none of them link-local. */
  private async vettedAddresses(url: URL): Promise<LookupAddress[]> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    if (family !== 0) return [{ address: host, family }];
    let addresses: LookupAddress[];
    try {
      addresses = await this.lookup(host);
    } catch (error) {
      throw downloadFailed(url, error, error);
    }
    const linkLocal = addresses.find((candidate) => isLinkLocal(candidate.address));
    if (linkLocal) {
      throw new ArtifactError(
        'JAR_URL_NOT_ALLOWED',
        `${shown(url)} is not allowed: host '${host}' resolves to ${linkLocal.address}, and ${LINK_LOCAL_REASON}`,
      );
    }
    if (addresses.length === 0) throw downloadFailed(url, `host '${host}' has no address`);
    return addresses;
  }

  /** Streams the body into a temp file while hashing and counting it, then moves it into the cache. */
  private async store(
    response: IncomingMessage,
    url: URL,
    expected: string | null,
    signal: AbortSignal,
  ): Promise<LocalArtifact> {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.destroy();
      throw downloadFailed(url, `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`);
    }
    const declared = Number(response.headers['content-length']);
    if (declared > this.maxBytes) {
      response.destroy();
      throw this.tooLarge(url, `it declares ${declared} bytes`);
    }
    let temp: string;
    try {
      temp = await this.cache.newTempPath();
    } catch (error) {
      response.destroy();
      throw error;
    }
    try {
      const hash = createHash('sha256');
      let sizeBytes = 0;
      const limit = this.maxBytes;
      const tooLarge = () => this.tooLarge(url, 'more bytes arrived');
      await pipeline(
        response,
        async function* measure(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            sizeBytes += chunk.length;
            if (sizeBytes > limit) throw tooLarge();
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { flags: 'wx' }),
        { signal },
      );
      const sha256 = hash.digest('hex');
      if (expected !== null && sha256 !== expected) {
        throw new ArtifactError(
          'JAR_CHECKSUM_MISMATCH',
          `JAR from ${shown(url)} has SHA-256 ${sha256}, but the job expects ${expected}`,
        );
      }
      return await this.cache.keep(temp, sha256, sizeBytes);
    } catch (error) {
      await this.cache.discard(temp);
      if (error instanceof ArtifactError) throw error;
      throw downloadFailed(url, signal.aborted ? signal.reason : error, error);
    }
  }

  private tooLarge(url: URL, detail: string): ArtifactError {
    return new ArtifactError(
      'JAR_TOO_LARGE',
      `JAR at ${shown(url)} is larger than the limit of ${this.maxBytes} bytes (JAR_MAX_BYTES): ${detail}`,
    );
  }
}

/** Answers the socket's own lookup with the addresses already checked, whatever DNS would say now. */
function pinnedTo(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = { 4: 4, 6: 6, IPv4: 4, IPv6: 6 }[String(options.family)] ?? 0;
    const usable = wanted === 0 ? addresses : addresses.filter((candidate) => candidate.family === wanted);
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error(`no IPv${wanted} address among the checked ones`), { code: 'ENOTFOUND' }), '');
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

function downloadFailed(url: URL, reason: unknown, cause?: unknown): ArtifactError {
  return new ArtifactError('JAR_DOWNLOAD_FAILED', `Downloading ${shown(url)} failed: ${describe(reason)}`, { cause });
}

/** Node reports a failure to reach any of several addresses as an AggregateError without a message. */
function describe(reason: unknown): string {
  if (reason instanceof AggregateError && !reason.message) {
    return reason.errors.map(describe).join('; ');
  }
  return reason instanceof Error ? reason.message || String((reason as { code?: unknown }).code) : String(reason);
}

/** The URL without credentials, for messages. */
function shown(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const safe = new URL(url);
  safe.username = '';
  safe.password = '';
  return safe.href;
}
