import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** What every repository is typed against: the same code runs on postgres.js (PostgreSQL) and on PGlite. */
export type AppDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The rows of a raw statement's result: postgres.js resolves with the rows, PGlite with a result holding them. */
export function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}
