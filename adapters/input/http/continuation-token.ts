import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { HttpProblem } from './problem.js';

/**
 * Opaque page tokens: the position of the last row served plus the filters of the query that produced it, in
 * base64url JSON, followed by a checksum. The checksum catches edited or truncated tokens; it is not a secret,
 * because a forged position can only reveal rows the caller may list anyway. A token used with other filters
 * than its own is rejected too, since its position would mean something else there.
 */
export function encodeContinuationToken(position: unknown, filters: unknown): string {
  const payload = Buffer.from(JSON.stringify({ p: position, f: filters })).toString('base64url');
  return `${payload}.${checksum(payload)}`;
}

export function decodeContinuationToken<T>(token: string, filters: unknown, positionSchema: z.ZodType<T>): T {
  const [payload, sum, ...rest] = token.split('.');
  if (!payload || rest.length > 0 || sum !== checksum(payload)) throw invalid('it is not a token this service issued');
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
  if (!position.success) throw invalid('it is not a token this service issued');
  return position.data;
}

function checksum(payload: string): string {
  return createHash('sha256').update(`continuation:${payload}`).digest('base64url').slice(0, 16);
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
