import type { Column } from 'drizzle-orm';

/** A row as `to_json(<table or alias>)` sends it: keyed by column name, timestamps as ISO 8601 strings. */
export type JsonRow = Record<string, unknown>;

/**
 * Reads rows that PostgreSQL sent as one JSON value each (`to_json(<table or alias>)`) into the objects drizzle would
 * have mapped from `columns` (keyed as in the schema). A page of jobs read column by column is about 50 values a
 * row for postgres.js to cut out and convert and for drizzle to map: most of the CPU a page cost. One JSON value a
 * row is a single `JSON.parse`. Only timestamps need converting; jsonb, text, integers and booleans are JSON already.
 */
export function rowsFromJson<Row>(columns: Record<string, Column>): (json: JsonRow) => Row {
  const fields = Object.entries(columns).map(([key, column]) => ({
    key,
    name: column.name,
    isTimestamp: column.columnType === 'PgTimestamp',
  }));
  return (json) => {
    const row: Record<string, unknown> = {};
    for (const { key, name, isTimestamp } of fields) {
      const value = json[name] ?? null;
      row[key] = isTimestamp && value !== null ? new Date(value as string) : value;
    }
    return row as Row;
  };
}
