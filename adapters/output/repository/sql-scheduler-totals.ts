import { sql, type SQL } from 'drizzle-orm';
import { ACTIVE_STATUSES, isTerminal } from '../../../domain/entities/execution.js';
import type { EndedRuns, SchedulerTotals, SchedulerTotalsSource } from '../../../domain/ports/output/scheduler-totals.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { visibilityHorizon } from './event-outbox.js';
import { jobSchedules } from './schedule-table.js';
import { events, jobExecutions } from './schema.js';
import { webhookDeliveries } from './webhook-tables.js';

/** A SKIPPED run's reason is its error code; other runs have none (the group stays one per status and trigger). */
const skipReason = sql<string | null>`case when ${jobExecutions.status} = 'SKIPPED' then ${jobExecutions.error}->>'code' end`;

/** Events the feed does not show yet (see event-outbox.ts). */
const heldBack = sql`${events.tx} >= ${visibilityHorizon}`;

/**
 * The totals metrics report, read at scrape time in two aggregate statements: the runs grouped by status, trigger
 * and skip reason (one pass over the executions), and the schedules' missed ticks with the oldest held-back event
 * (a range scan of the events' order index).
 */
export class SqlSchedulerTotals implements SchedulerTotalsSource {
  constructor(private readonly db: AppDatabase) {}

  async read(): Promise<SchedulerTotals> {
    const [groups, scalars] = await withStorageErrors(() => Promise.all([this.countRuns(), this.readScalars()]));
    const ended: EndedRuns[] = groups.filter((group) => isTerminal(group.status));
    const active = groups.filter((group) => ACTIVE_STATUSES.includes(group.status)).reduce((sum, group) => sum + group.count, 0);
    return { ended, active, ...scalars };
  }

  /** How many runs there are in each (status, trigger, skip reason). */
  private countRuns(): Promise<EndedRuns[]> {
    return this.db
      .select({
        status: jobExecutions.status,
        trigger: jobExecutions.trigger,
        reason: skipReason,
        count: sql<number>`count(*)`.mapWith(Number),
      })
      .from(jobExecutions)
      .groupBy(jobExecutions.status, jobExecutions.trigger, skipReason);
  }

  private async readScalars(): Promise<Omit<SchedulerTotals, 'ended' | 'active'>> {
    const countOf = (statuses: SQL) => sql`(select count(*)::float8 from ${webhookDeliveries} where ${webhookDeliveries.status} in ${statuses})`;
    const result = await this.db.execute(sql`
      select
        (select coalesce(sum(${jobSchedules.ticksMissed}), 0)::float8 from ${jobSchedules}) as ticks_missed,
        (select (extract(epoch from min(${events.time})) * 1000)::float8 from ${events} where ${heldBack}) as held_back_ms,
        ${countOf(sql`('pending', 'failed')`)} as waiting,
        ${countOf(sql`('dead')`)} as dead`);
    type Row = { ticks_missed: number | string; held_back_ms: number | string | null; waiting: number | string; dead: number | string };
    const [row] = rowsOf<Row>(result);
    const heldBackMs = row?.held_back_ms ?? null;
    return {
      ticksMissed: Number(row?.ticks_missed ?? 0),
      oldestHeldBackEventAt: heldBackMs === null ? null : new Date(Number(heldBackMs)),
      deliveries: { waiting: Number(row?.waiting ?? 0), dead: Number(row?.dead ?? 0) },
    };
  }
}
