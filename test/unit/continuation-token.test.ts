import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeContinuationToken, encodeContinuationToken } from '../../adapters/input/http/continuation-token.js';
import { HttpProblem } from '../../adapters/input/http/problem.js';

const Position = z.object({ name: z.string(), id: z.string() });
const filters = { labels: [['team', 'data']], namePrefix: null };
const position = { name: 'alpha', id: '00000000-0000-4000-8000-000000000001' };

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
    const token = encodeContinuationToken(position, filters);
    expect(decodeContinuationToken(token, filters, Position)).toEqual(position);
  });

  it('rejects a token with any character changed', () => {
    const token = encodeContinuationToken(position, filters);
    for (const index of [0, Math.floor(token.length / 2), token.length - 1]) {
      const flipped = token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
      expect(rejection(() => decodeContinuationToken(flipped, filters, Position)).problem.code).toBe('INVALID_CONTINUATION_TOKEN');
    }
  });

  it.each(['', 'garbage', 'a.b.c', '.'])('rejects %j', (token) => {
    expect(rejection(() => decodeContinuationToken(token, filters, Position)).problem.status).toBe(400);
  });

  it('rejects a token used with other filters', () => {
    const token = encodeContinuationToken(position, filters);
    const problem = rejection(() => decodeContinuationToken(token, { ...filters, namePrefix: 'x' }, Position)).problem;
    expect(problem.detail).toContain('other filters');
  });
});
