import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ArtifactError } from '../../../domain/errors.js';
import type { OutboundCredentials } from '../outbound/outbound-credentials.js';
import type { OutboundPolicy } from '../outbound/outbound-policy.js';
import { checkedAddresses, pinnedTo, type HostLookup } from '../outbound/checked-addresses.js';
import { addressCheckFailed, downloadFailed, NO_HTTP_RESPONSE, shown } from './download-errors.js';

export interface JarRequestOptions {
  /** Every redirect target, and every address connected to, must pass it. */
  policy: OutboundPolicy;
  /** Each request carries the credentials of its own origin only, none after a redirect to another one. */
  credentials: OutboundCredentials;
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
 * a second DNS answer cannot swap in another one. Whatever goes wrong before the head arrives is reported as the
 * same NO_HTTP_RESPONSE, so an error does not tell a closed port from a silent one.
 */
async function get(url: URL, download: AbortController, options: JarRequestOptions): Promise<IncomingMessage> {
  const addresses = await checkedAddresses(url, options.lookup, options.policy).catch((error: unknown) => {
    throw addressCheckFailed(url, error);
  });
  const client = url.protocol === 'https:' ? https : http;
  const authorization = options.credentials.authorizationFor(url);
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
          ...(authorization === undefined ? {} : { authorization }),
        },
      },
      resolve,
    );
    // The socket's inactivity timer covers connecting and every later wait for bytes.
    request.setTimeout(options.idleTimeoutMs, () =>
      download.abort(new Error(`nothing arrived for ${options.idleTimeoutMs} ms`)),
    );
    request.on('error', (error) => reject(downloadFailed(url, NO_HTTP_RESPONSE, error)));
    request.end();
  });
}
