import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { HttpProblem } from './problem.js';
import { unstorableFields } from './storable-input.js';

/** The least key length HMAC-SHA256 is used with here: its output size. */
const MIN_KEY_BYTES = 32;

/**
 * Opaque page tokens: the position of the last row served plus the filters of the query that produced it, in
 * base64url JSON, followed by its HMAC-SHA256 under a key only the service (every replica of it) holds. A token
 * that was edited or made up is refused before its contents are looked at, and the contents are checked anyway,
 * like any input. A token used with other filters than its own is refused too, since its position would mean
 * something else there.
 */
export class ContinuationTokens {
  constructor(private readonly key: Uint8Array) {
    if (key.length < MIN_KEY_BYTES) throw new Error(`a page token key needs at least ${MIN_KEY_BYTES} bytes`);
  }

  encode(position: unknown, filters: unknown): string {
    const payload = Buffer.from(JSON.stringify({ p: position, f: filters })).toString('base64url');
    return `${payload}.${this.signature(payload)}`;
  }

  decode<T>(token: string, filters: unknown, positionSchema: z.ZodType<T>): T {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || signature === undefined || rest.length > 0 || !this.isSignedHere(payload, signature)) {
      throw invalid('it is not a token this service issued');
    }
    let decoded: { p?: unknown; f?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid('it is not a token this service issued');
    }
    if (JSON.stringify(decoded.f) !== JSON.stringify(filters)) {
      throw invalid('it belongs to a query with other filters');
    }
    const position = positionSchema.safeParse(decoded.p);
    if (!position.success || unstorableFields(decoded.p).length > 0) throw invalid('its position is not one this service issues');
    return position.data;
  }

  private signature(payload: string): string {
    return createHmac('sha256', this.key).update(`continuation:${payload}`).digest('base64url');
  }

  /** Compares the text, not the decoded bytes: base64url decoding ignores the spare bits of the last character. */
  private isSignedHere(payload: string, signature: string): boolean {
    const given = Buffer.from(signature);
    const expected = Buffer.from(this.signature(payload));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function invalid(reason: string): HttpProblem {
  return new HttpProblem({
    status: 400,
    code: 'INVALID_CONTINUATION_TOKEN',
    title: 'Invalid continuation token',
    detail: `The continuationToken cannot be used: ${reason}`,
    errors: [{ path: 'continuationToken', message: reason }],
  });
}
