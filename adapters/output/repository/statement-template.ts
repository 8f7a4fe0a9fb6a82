import type { Column, Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type AppDatabase } from './database.js';

/** The service's databases are made without naming options, so this dialect writes their statements alike. */
const dialect = new PgDialect();

/**
 * A statement whose text drizzle builds once, with `sql.placeholder`s where its values go; each run fills them in.
 * drizzle builds a statement anew every time it runs it, testing each column and value for what it is: for the
 * save of a run (24 columns, an event in the same statement) that was a fifth of a busy scheduler's main thread.
 *
 * Write each placeholder inside SQL (sql`${sql.placeholder('x')}`) and give values as the driver takes them
 * (`driverValue`): a placeholder put straight into a column's place is encoded by the column when it is filled in,
 * and a jsonb column's encoder turns a null into the JSON text `null`.
 */
export class StatementTemplate {
  private readonly query: Query;

  constructor(statement: SQL) {
    this.query = dialect.sqlToQuery(statement);
  }

  async run<Row>(db: Pick<AppDatabase, '_'>, values: Record<string, unknown>): Promise<Row[]> {
    return rowsOf<Row>(await db._.session.prepareQuery(this.query, undefined, undefined, false).execute(values));
  }
}

/** A value of `column` as drizzle's builders pass it to the driver: null stays null. */
export function driverValue(column: Column, value: unknown): unknown {
  return value === null || value === undefined ? null : column.mapToDriverValue(value);
}
