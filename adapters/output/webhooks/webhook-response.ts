import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { SendResult } from '../../../domain/entities/webhook.js';

/** How much of a response body is kept, in bytes. */
export const EXCERPT_BYTES = 1024;

/**
 * The first KiB of the body as text, then the connection is dropped: a receiver cannot make us read more. A body
 * cut short (the deadline, a reset) keeps what arrived; the status already says what the receiver made of it.
 */
export async function readExcerpt(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= EXCERPT_BYTES) break;
    }
  } catch {
    // What arrived before the failure is the excerpt.
  } finally {
    response.destroy();
  }
  return excerptText(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES));
}

/**
 * UTF-8 text of at most EXCERPT_BYTES bytes: a character cut at the end is dropped, and NUL becomes U+FFFD since
 * the attempts are stored as JSON in PostgreSQL, which refuses \u0000.
 */
function excerptText(bytes: Buffer): string {
  const characters = [...new StringDecoder('utf8').write(bytes).replaceAll('\u0000', '\uFFFD')];
  let length = Buffer.byteLength(characters.join(''));
  while (length > EXCERPT_BYTES) length -= Buffer.byteLength(characters.pop() ?? '');
  return characters.join('');
}

/**
 * A Retry-After value (delta-seconds or an HTTP-date) as milliseconds from `now`; undefined when absent or unreadable.
 * A date in the past is 0: retry now.
 */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (!/[a-z]/i.test(text) || Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** What a response says, without the duration: success for a 2xx, and a redirect is a failure like any other. */
export function answered(status: number, excerpt: string, retryAfter: number | undefined): Omit<SendResult, 'durationMs'> {
  const result = { statusCode: status, responseExcerpt: excerpt, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
  if (status >= 200 && status < 300) return result;
  if (status >= 300 && status < 400) {
    return { ...result, error: `the receiver answered ${status}, a redirect; redirects are not followed` };
  }
  return { ...result, error: `the receiver answered ${status}` };
}
