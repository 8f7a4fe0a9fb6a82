import type { AppDatabase } from '../../adapters/output/repository/database.js';

/**
 * Counts the statements the app sends to its database: postgres.js sends each through `unsafe`, PGlite through
 * `query` (drizzle's sessions call the client's method at each execution, so wrapping it on the instance sees all).
 */
export function countStatements(db: AppDatabase): {
  since(): string[];
  /** The statements with their parameters, as sent. */
  sentWithParameters(): { text: string; parameters: unknown[] }[];
  reset(): void;
} {
  const client = (db as unknown as { $client: Record<string, (...args: unknown[]) => unknown> }).$client;
  const method = typeof client.unsafe === 'function' ? 'unsafe' : 'query';
  const original = client[method]!;
  let sent: { text: string; parameters: unknown[] }[] = [];
  client[method] = function (this: unknown, ...args: unknown[]) {
    sent.push({ text: String(args[0]), parameters: Array.isArray(args[1]) ? args[1] : [] });
    return original.apply(this, args);
  };
  return { since: () => sent.map(({ text }) => text), sentWithParameters: () => sent, reset: () => (sent = []) };
}
