import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { NewEvent, StoredEvent } from '../../../domain/entities/event.js';
import { UnknownEventPositionError } from '../../../domain/errors.js';
import type { EventOutbox, EventQuery } from '../../../domain/ports/output/event-outbox.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { events } from './schema.js';
import { dispatchPosition } from './webhook-rows.js';
import { webhookDeliveries } from './webhook-tables.js';

/*
 * Order and visibility. `seq` is taken when a row is inserted, not when it commits, so a transaction that commits
 * late can hold a smaller `seq` than events already read. Each row therefore keeps the id of its transaction
 * (`tx`), events are read in (tx, seq) order, and only rows of transactions older than the oldest one still running
 * (the snapshot's xmin) are shown: every transaction below that horizon has ended, so nothing can appear behind a
 * position once it was read. An event shows as soon as the transactions that began before its own have ended.
 */
/** The visibility horizon: every transaction below it has ended. Rows at or past it are held back. */
export const visibilityHorizon = sql`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
const visible = sql`${events.tx} < ${visibilityHorizon}`;
const DIGITS = /^[0-9]{1,19}$/;
const MAX_BIGINT = 2n ** 63n - 1n;

/** An event as a JSON row for the bulk statements below. */
export function eventJson(event: NewEvent, extra: Record<string, unknown> = {}) {
  return { ...extra, type: event.type, subject: event.subject, time: event.time.toISOString(), data: event.data };
}

/** In a statement of `changeWithEvent`: whether its change wrote a row. */
export const somethingChanged = sql`exists (select 1 from changed)`;

/**
 * Runs `change` (an insert or update ... returning) and, in the same statement, stores `event` once for each row it
 * returned and, with `onlyIf`, only where that holds. Every part of the statement sees the database as it was
 * before it, so `onlyIf` may read the old state of the row `change` writes. `alongside`: further writes of the
 * same statement (conditioned on `somethingChanged` to write nothing when the change wrote nothing); one statement
 * commits all of it or none, with no transaction around it. Resolves with the rows of `change`.
 */
export async function changeWithEvent<Row>(
  db: Pick<AppDatabase, 'execute'>,
  change: { getSQL(): SQL },
  event: NewEvent,
  onlyIf: SQL = sql`true`,
  alongside: SQL[] = [],
): Promise<Row[]> {
  const values = { subject: event.subject, time: event.time.toISOString(), data: JSON.stringify(event.data) };
  return rowsOf<Row>(await db.execute(changeWithEventSql(change.getSQL(), event.type, values, onlyIf, alongside)));
}

/**
 * The statement of `changeWithEvent`, with the event's values as they are sent: its data as JSON text, its time as
 * ISO text (or placeholders for them, see StatementTemplate).
 */
export function changeWithEventSql(
  change: SQL,
  type: NewEvent['type'],
  event: { subject: unknown; time: unknown; data: unknown },
  onlyIf: SQL = sql`true`,
  alongside: SQL[] = [],
): SQL {
  return sql`
    with changed as (${change}), recorded as (
      insert into ${events} (type, subject, time, data)
      select ${type}, ${event.subject}::uuid, ${event.time}::timestamptz, ${event.data}::jsonb
      from changed where ${onlyIf}
    )${alongsideSql(alongside)}
    select * from changed`;
}

/** Further writes of a statement whose first part is named `changed`, as more parts of its `with`. */
export function alongsideSql(alongside: SQL[]): SQL {
  return sql.join(alongside.map((write, index) => sql`, ${sql.identifier(`alongside_${index}`)} as (${write})`));
}

/**
 * The insert of the events in `json` (see `eventJson`; `ord` gives their order) as SQL. With `insertedIds`, a
 * query of the ids some statement stored, an event carrying an `execution_id` is kept only if it is one of those.
 */
export function insertEventsSql(json: object[], insertedIds?: SQL): SQL {
  const kept = insertedIds ? sql`where e.execution_id is null or e.execution_id in (${insertedIds})` : sql``;
  return sql`
    insert into ${events} (type, subject, time, data)
    select e.type, e.subject, e.time, e.data
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
      as e(ord integer, execution_id uuid, type text, subject uuid, time timestamptz, data jsonb)
    ${kept}
    order by e.ord`;
}

export class DrizzleEventOutbox implements EventOutbox {
  constructor(private readonly db: AppDatabase) {}

  async append(list: NewEvent[]): Promise<void> {
    if (list.length === 0) return;
    await withStorageErrors(() => this.db.execute(insertEventsSql(list.map((event, ord) => eventJson(event, { ord })))));
  }

  async list(query: EventQuery): Promise<StoredEvent[]> {
    const conditions: SQL[] = [visible];
    if (query.type) conditions.push(eq(events.type, query.type));
    if (query.jobId) conditions.push(eq(events.subject, query.jobId));
    if (query.executionId) conditions.push(sql`${events.type} like 'run.%' and ${events.data}->>'id' = ${query.executionId}`);
    if (query.after !== undefined) {
      const position = await this.positionOf(query.after);
      conditions.push(sql`(${events.tx}, ${events.seq}) > (${position.tx}, ${position.seq})`);
    }
    const rows = await withStorageErrors(() =>
      this.db
        .select()
        .from(events)
        .where(and(...conditions))
        .orderBy(events.tx, events.seq)
        .limit(query.limit),
    );
    return rows.map(({ seq, tx, ...event }) => ({ ...event, sequence: String(seq) }));
  }

  /** Where the event `after` names (by sequence or id) stands in the order. */
  private async positionOf(after: string): Promise<{ tx: bigint; seq: bigint }> {
    const bySequence = DIGITS.test(after);
    // A sequence past bigint's range names no event (and PostgreSQL would refuse to compare it).
    if (bySequence && BigInt(after) > MAX_BIGINT) throw new UnknownEventPositionError(after);
    const where = bySequence ? eq(events.seq, BigInt(after)) : eq(events.id, after);
    const [row] = await withStorageErrors(() => this.db.select({ tx: events.tx, seq: events.seq }).from(events).where(where));
    if (!row) throw new UnknownEventPositionError(after);
    return row;
  }

  async removeOlderThan(before: Date, limit: number): Promise<number> {
    // Webhooks still need an event not fanned out yet, or one a delivery is still trying to send.
    const unneededByWebhooks = sql`(${events.tx}, ${events.seq}) <= ${dispatchPosition} and not exists (
      select 1 from ${webhookDeliveries} d where d.event_id = ${events.id} and d.status in ('pending', 'failed'))`;
    const oldest = this.db
      .select({ seq: events.seq })
      .from(events)
      .where(and(lt(events.time, before), unneededByWebhooks))
      .orderBy(events.time)
      .limit(limit);
    return withStorageErrors(async () => {
      const removed = await this.db.delete(events).where(inArray(events.seq, oldest)).returning({ seq: events.seq });
      return removed.length;
    });
  }
}
