import { ArtifactError } from '../../../domain/errors.js';
import { AddressCheckError } from '../outbound/checked-addresses.js';

/**
 * What a download error says for every failure before an HTTP response arrived: refused, reset, silent, timed out
 * or a TLS failure all read the same, so the messages do not tell a closed port from a silent one.
 */
export const NO_HTTP_RESPONSE = 'no HTTP response';

export function downloadFailed(url: URL, reason: unknown, cause?: unknown): ArtifactError {
  return new ArtifactError('JAR_DOWNLOAD_FAILED', `Downloading ${shown(url)} failed: ${describe(reason)}`, { cause });
}

/** A failed address check as the download's error: the URL is not allowed, or the download failed. */
export function addressCheckFailed(url: URL, error: unknown): unknown {
  if (!(error instanceof AddressCheckError)) return error;
  if (error.refused) return new ArtifactError('JAR_URL_NOT_ALLOWED', `${shown(url)} is not allowed: ${error.message}`);
  return downloadFailed(url, error.message, error.cause);
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message || String((reason as { code?: unknown }).code) : String(reason);
}

/** The URL without credentials, for messages. */
export function shown(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const safe = new URL(url);
  safe.username = '';
  safe.password = '';
  return safe.href;
}
