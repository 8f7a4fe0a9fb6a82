import { and, desc, eq, getTableColumns, gte, inArray, lt, sql, type Column, type SQL } from 'drizzle-orm';
import type { AuditEvent } from '../../../domain/entities/audit.js';
import type { AuditQuery, AuditTrail } from '../../../domain/ports/output/audit-trail.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { auditEvents } from './schema.js';

/**
 * The insert of an audit row as SQL, made only where `when` holds: the audit row of a change that the same statement
 * writes (see `changeWithEvent`). `valueOf` gives each column's value as sent, or its placeholder (see
 * StatementTemplate); each is cast to the column's type.
 */
export function auditRowSql(valueOf: (key: string, column: Column) => unknown, when: SQL): SQL {
  const columns = Object.entries(getTableColumns(auditEvents));
  const names = sql.join(columns.map(([, column]) => sql.identifier(column.name)), sql`, `);
  const values = columns.map(([key, column]) => sql`${valueOf(key, column)}::${sql.raw(column.getSQLType())}`);
  return sql`insert into ${auditEvents} (${names}) select ${sql.join(values, sql`, `)} where ${when}`;
}

export class DrizzleAuditTrail implements AuditTrail {
  constructor(private readonly db: AppDatabase) {}

  async record(event: AuditEvent): Promise<void> {
    await withStorageErrors(() => this.db.insert(auditEvents).values(event));
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const conditions: SQL[] = [];
    if (query.actor !== undefined) conditions.push(eq(auditEvents.actor, query.actor));
    if (query.action !== undefined) conditions.push(eq(auditEvents.action, query.action));
    if (query.resourceId !== undefined) conditions.push(eq(auditEvents.resourceId, query.resourceId));
    if (query.since) conditions.push(gte(auditEvents.at, query.since));
    if (query.until) conditions.push(lt(auditEvents.at, query.until));
    if (query.after) {
      conditions.push(sql`(${auditEvents.at}, ${auditEvents.id}) < (${query.after.at.toISOString()}::timestamptz, ${query.after.id})`);
    }
    return withStorageErrors(() =>
      this.db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(desc(auditEvents.at), desc(auditEvents.id))
        .limit(query.limit),
    );
  }

  async removeOlderThan(before: Date, limit: number): Promise<number> {
    const oldest = this.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(lt(auditEvents.at, before))
      .orderBy(auditEvents.at)
      .limit(limit);
    return withStorageErrors(async () => {
      const removed = await this.db.delete(auditEvents).where(inArray(auditEvents.id, oldest)).returning({ id: auditEvents.id });
      return removed.length;
    });
  }
}
