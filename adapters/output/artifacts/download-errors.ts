import { ArtifactError } from '../../../domain/errors.js';

export function downloadFailed(url: URL, reason: unknown, cause?: unknown): ArtifactError {
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
export function shown(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const safe = new URL(url);
  safe.username = '';
  safe.password = '';
  return safe.href;
}
