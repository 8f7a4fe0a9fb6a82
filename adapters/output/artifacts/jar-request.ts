import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ArtifactError } from '../../../domain/errors.js';
import { checkedAddresses, pinnedTo, type HostLookup } from './checked-addresses.js';
import { downloadFailed, shown } from './download-errors.js';
import type { JarHostPolicy } from './host-policy.js';

export interface JarRequestOptions {
  /** Every redirect target must pass it. */
  policy: JarHostPolicy;
  /** Limit for connecting and for each wait for more bytes. */
  idleTimeoutMs: number;
  maxRedirects: number;
  lookup: HostLookup;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `first` and follows its redirects, each target allowed by the host policy, until a response that is not a
 * redirect: that response, with its body unread, and the URL that gave it. Aborting `download` ends it all.
 */
export async function requestJar(
  first: URL,
  download: AbortController,
  options: JarRequestOptions,
): Promise<{ response: IncomingMessage; url: URL }> {
  let url = first;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, download, options);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location) {
      return { response, url };
    }
    response.destroy();
    if (redirects === options.maxRedirects) {
      throw downloadFailed(url, `it redirected more than ${options.maxRedirects} times`);
    }
    const next = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
    if (!next) {
      throw downloadFailed(url, `it redirected to '${location}', which is not a URL`);
    }
    const refusal = options.policy.refusalFor(next);
    if (refusal !== undefined) {
      throw new ArtifactError(
        'JAR_URL_NOT_ALLOWED',
        `${shown(url)} redirected to ${shown(next)}, which is not allowed: ${refusal}`,
      );
    }
    url = next;
  }
}

/**
 * Sends a GET to `url` and waits for the response head. The connection goes to exactly the addresses checked, so
 * a second DNS answer cannot swap in another one.
 */
async function get(url: URL, download: AbortController, options: JarRequestOptions): Promise<IncomingMessage> {
  const addresses = await checkedAddresses(url, options.lookup);
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
    request.setTimeout(options.idleTimeoutMs, () =>
      download.abort(new Error(`nothing arrived for ${options.idleTimeoutMs} ms`)),
    );
    request.on('error', (error) => reject(downloadFailed(url, download.signal.reason ?? error, error)));
    request.end();
  });
}
