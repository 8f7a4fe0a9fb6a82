import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from '../../../domain/errors.js';
import type { LocalArtifact } from '../../../domain/ports/output/artifact-source.js';
import { downloadFailed, shown } from './download-errors.js';
import type { JarCache } from './jar-cache.js';

export interface JarDownload {
  /** The URL that answered, for messages. */
  url: URL;
  cache: JarCache;
  maxBytes: number;
  /** Lower-case hex SHA-256 the content must have, or null to take whatever arrives. */
  expectedSha256: string | null;
  /** Aborts the transfer (the overall and the idle timeout). */
  signal: AbortSignal;
}

/**
 * Streams the body of `response` into a temp file while hashing and counting it, then moves it into the cache
 * under its checksum. A body over the size cap or with another checksum never reaches the cache.
 */
export async function saveJar(response: IncomingMessage, download: JarDownload): Promise<LocalArtifact> {
  const { url, cache, signal } = download;
  refuseUnwanted(response, download);
  let temp: string;
  try {
    temp = await cache.newTempPath();
  } catch (error) {
    response.destroy();
    throw error;
  }
  try {
    const { sha256, sizeBytes } = await writeMeasured(response, temp, download);
    const expected = download.expectedSha256;
    if (expected !== null && sha256 !== expected) {
      throw new ArtifactError(
        'JAR_CHECKSUM_MISMATCH',
        `JAR from ${shown(url)} has SHA-256 ${sha256}, but the job expects ${expected}`,
      );
    }
    return await cache.keep(temp, sha256, sizeBytes);
  } catch (error) {
    await cache.discard(temp);
    if (error instanceof ArtifactError) throw error;
    throw downloadFailed(url, signal.aborted ? signal.reason : error, error);
  }
}

/** Throws, dropping the response, when its head already says it is not a JAR to keep: an error status, too large. */
function refuseUnwanted(response: IncomingMessage, download: JarDownload): void {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.destroy();
    throw downloadFailed(download.url, `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`);
  }
  const declared = Number(response.headers['content-length']);
  if (declared > download.maxBytes) {
    response.destroy();
    throw tooLarge(download, `it declares ${declared} bytes`);
  }
}

/** Writes the body to `path`, hashing and counting it on the way; stops once more than the cap has arrived. */
async function writeMeasured(
  response: IncomingMessage,
  path: string,
  download: JarDownload,
): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  await pipeline(
    response,
    async function* measure(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        sizeBytes += chunk.length;
        if (sizeBytes > download.maxBytes) throw tooLarge(download, 'more bytes arrived');
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(path, { flags: 'wx' }),
    { signal: download.signal },
  );
  return { sha256: hash.digest('hex'), sizeBytes };
}

function tooLarge({ url, maxBytes }: JarDownload, detail: string): ArtifactError {
  return new ArtifactError(
    'JAR_TOO_LARGE',
    `JAR at ${shown(url)} is larger than the limit of ${maxBytes} bytes (JAR_MAX_BYTES): ${detail}`,
  );
}
