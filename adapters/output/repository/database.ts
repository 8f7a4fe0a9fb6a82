import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** What every repository is typed against: the same code runs on postgres.js (PostgreSQL) and on PGlite. */
export type AppDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;
