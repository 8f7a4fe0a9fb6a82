import { sql } from 'drizzle-orm';
import type { DatabaseStatus } from '../../../domain/ports/output/database-status.js';
import type { AppDatabase } from './database.js';

/** Reads drizzle's migration ledger to tell whether the schema matches what this build ships. */
export class SqlDatabaseStatus implements DatabaseStatus {
  constructor(
    private readonly db: AppDatabase,
    private readonly shippedMigrations: number,
  ) {}

  async check(): Promise<{ reachable: boolean; migrated: boolean }> {
    try {
      await this.db.execute(sql`select 1`);
    } catch {
      return { reachable: false, migrated: false };
    }
    try {
      const result = await this.db.execute<{ applied: number }>(
        sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
      );
      const applied = Number(rowsOf<{ applied: number }>(result)[0]?.applied ?? 0);
      return { reachable: true, migrated: applied >= this.shippedMigrations };
    } catch {
      return { reachable: true, migrated: false };
    }
  }
}

/** postgres.js returns the rows themselves, PGlite a result object holding them. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
