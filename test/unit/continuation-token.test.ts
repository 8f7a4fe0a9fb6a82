import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ContinuationTokens } from '../../adapters/input/http/continuation-token.js';
import { storableInstant } from '../../adapters/input/http/instant.js';
import { HttpProblem } from '../../adapters/input/http/problem.js';

const Position = z.object({ name: z.string(), id: z.string() });
const filters = { labels: [['team', 'data']], namePrefix: null };
const position = { name: 'alpha', id: '00000000-0000-4000-8000-000000000001' };
const key = randomBytes(32);
const tokens = new ContinuationTokens(key);

function rejection(action: () => unknown): HttpProblem {
  try {
    action();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected the token to be rejected');
}

describe('continuation tokens', () => {
  it('round-trips a position under the same filters', () => {
    const token = tokens.encode(position, filters);
    expect(tokens.decode(token, filters, Position)).toEqual(position);
  });

  it('rejects a token with any character changed', () => {
    const token = tokens.encode(position, filters);
    for (let index = 0; index < token.length; index++) {
      const flipped = token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
      expect(rejection(() => tokens.decode(flipped, filters, Position)).problem.code).toBe('INVALID_CONTINUATION_TOKEN');
    }
  });

  it.each(['', 'garbage', 'a.b.c', '.', 'e30.'])('rejects %j', (token) => {
    expect(rejection(() => tokens.decode(token, filters, Position)).problem.status).toBe(400);
  });

  it('rejects a token used with other filters', () => {
    const token = tokens.encode(position, filters);
    const problem = rejection(() => tokens.decode(token, { ...filters, namePrefix: 'x' }, Position)).problem;
    expect(problem.detail).toContain('other filters');
  });

  it('rejects a token signed under another key, and takes one signed under the same key elsewhere', () => {
    const elsewhere = new ContinuationTokens(randomBytes(32));
    const problem = rejection(() => tokens.decode(elsewhere.encode(position, filters), filters, Position)).problem;
    expect(problem).toMatchObject({ status: 400, code: 'INVALID_CONTINUATION_TOKEN' });
    const sameKey = new ContinuationTokens(Buffer.from(key));
    expect(sameKey.decode(tokens.encode(position, filters), filters, Position)).toEqual(position);
  });

  it.each([
    ['a name with NUL', { ...position, name: 'a\u0000' }, Position],
    ['a name with a lone surrogate', { ...position, name: 'a\ud800' }, Position],
    ['a date in year 0', { createdAt: '0000-01-01T00:00:00.000Z', id: position.id }, z.object({ createdAt: storableInstant, id: z.string() })],
  ])('rejects a correctly signed position with %s', (_, forged, schema) => {
    const problem = rejection(() => tokens.decode(tokens.encode(forged, filters), filters, schema as z.ZodType)).problem;
    expect(problem).toMatchObject({ status: 400, code: 'INVALID_CONTINUATION_TOKEN' });
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new ContinuationTokens(randomBytes(16))).toThrow('at least 32 bytes');
  });
});
