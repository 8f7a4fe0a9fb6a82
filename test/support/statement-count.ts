import type { AppDatabase } from '../../adapters/output/repository/database.js';

/**
 * Counts the statements the app sends to its database: postgres.js sends each through `unsafe`, PGlite through
 * `query` (drizzle's sessions call the client's method at each execution, so wrapping it on the instance sees all).
 */
export function countStatements(db: AppDatabase): { since(): string[]; reset(): void } {
  const client = (db as unknown as { $client: Record<string, (...args: unknown[]) => unknown> }).$client;
  const method = typeof client.unsafe === 'function' ? 'unsafe' : 'query';
  const original = client[method]!;
  let sent: string[] = [];
  client[method] = function (this: unknown, ...args: unknown[]) {
    sent.push(String(args[0]));
    return original.apply(this, args);
  };
  return { since: () => sent, reset: () => (sent = []) };
}
