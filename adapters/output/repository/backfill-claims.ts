import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { BackfillClaim } from '../../../domain/entities/backfill.js';
import { eventTypeOfNewExecution, runEvent } from '../../../domain/entities/event.js';
import { ACTIVE_STATUSES } from '../../../domain/entities/execution.js';
import type { BackfillOutcome } from '../../../domain/ports/output/backfill-repository.js';
import { rowsOf, type AppDatabase } from './database.js';
import { eventJson } from './event-outbox.js';
import { leaseColumns, type LeaseTerms } from './execution-leases.js';
import { executionRow, insertManyExecutions } from './execution-rows.js';
import { backfills, toBackfill } from './backfill-tables.js';
import { jobExecutions } from './schema.js';

// The steps of a backfill claim, one statement each, all run in the claim's transaction.

/** A backfill's runs that hold one of its slots: waiting in the queue (a retry's back-off) or active. */
export const BUSY_STATUSES = ['QUEUED', ...ACTIVE_STATUSES] as const;

export type LockedBackfill = Pick<BackfillClaim, 'backfill' | 'jobLive' | 'jobVersion'>;

/**
 * Locks up to `limit` running backfills, oldest first, with whether their job is still live. Rows another instance
 * holds are skipped, not waited for: each backfill advances on one instance at a time.
 */
export async function lockRunningBackfills(tx: Pick<AppDatabase, 'select'>, limit: number): Promise<LockedBackfill[]> {
  const { ticks: _ticks, ...columns } = getTableColumns(backfills);
  const rows = await tx
    .select({
      ...columns,
      jobVersion: sql<number | null>`(select version from jobs where jobs.id = ${backfills.jobId} and jobs.deleted_at is null)`,
    })
    .from(backfills)
    .where(eq(backfills.state, 'running'))
    .orderBy(asc(backfills.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return rows.map(({ jobVersion, ...row }) => ({
    backfill: toBackfill(row),
    jobLive: jobVersion !== null,
    jobVersion: jobVersion === null ? null : Number(jobVersion),
  }));
}

/** How many runs of each of `backfillIds` are busy; a backfill without any is left out. */
export async function countBusyRuns(tx: Pick<AppDatabase, 'select'>, backfillIds: string[]): Promise<Map<string, number>> {
  const rows = await tx
    .select({ backfillId: jobExecutions.backfillId, busy: sql<number>`count(*)`.mapWith(Number) })
    .from(jobExecutions)
    .where(and(inArray(jobExecutions.backfillId, backfillIds), inArray(jobExecutions.status, [...BUSY_STATUSES])))
    .groupBy(jobExecutions.backfillId);
  return new Map(rows.map(({ backfillId, busy }) => [backfillId!, busy]));
}

/**
 * The backfill's first `limit` ticks, in its order, that have no run of the backfill yet, each with the highest
 * attempt any run of the job has at that tick (0 for none), so that its run is the next attempt.
 */
export async function pendingTicks(
  tx: Pick<AppDatabase, 'execute'>,
  backfill: { id: string; jobId: string },
  limit: number,
): Promise<BackfillClaim['pending']> {
  const result = await tx.execute(sql`
    select t.tick, coalesce((
      select max(e.attempt) from ${jobExecutions} e where e.job_id = ${backfill.jobId} and e.scheduled_for = t.tick
    ), 0)::int as attempts
    from ${backfills} b, jsonb_array_elements_text(b.ticks) with ordinality as p(instant, n),
      lateral (select p.instant::timestamptz as tick) t
    where b.id = ${backfill.id}
      and not exists (
        select 1 from ${jobExecutions} e
        where e.backfill_id = b.id and e.trigger = 'backfill' and e.scheduled_for = t.tick)
    order by p.n
    limit ${limit}`);
  return rowsOf<{ tick: Date | string; attempts: number }>(result).map((row) => ({
    tick: new Date(row.tick),
    attempts: Number(row.attempts),
  }));
}

/**
 * Stores the runs of every outcome (driven by this instance, not exclusive) with their events, in one statement; a
 * run a unique index refuses is left out, and its event with it. Resolves with the ids stored.
 */
export async function insertBackfillRuns(
  tx: Pick<AppDatabase, 'execute'>,
  outcomes: BackfillOutcome[],
  terms: LeaseTerms,
): Promise<{ id: string }[]> {
  const executions = outcomes.flatMap((outcome) => outcome.executions);
  if (executions.length === 0) return [];
  const lease = leaseColumns(terms);
  const rows = executions.map((execution) => ({ ...executionRow(execution), exclusive: false, ...lease }));
  const events = executions.map((execution, ord) =>
    eventJson(runEvent(eventTypeOfNewExecution(execution), execution), { ord, execution_id: execution.id }),
  );
  return insertManyExecutions(tx, rows, events);
}

/** Moves the backfills that ended to their new state. */
export async function endBackfills(
  tx: Pick<AppDatabase, 'update'>,
  ended: { id: string; state: 'completed' | 'cancelled' }[],
  now: Date,
): Promise<void> {
  for (const state of ['completed', 'cancelled'] as const) {
    const ids = ended.filter((end) => end.state === state).map((end) => end.id);
    if (ids.length === 0) continue;
    await tx
      .update(backfills)
      .set({ state, updatedAt: now })
      .where(and(inArray(backfills.id, ids), eq(backfills.state, 'running')));
  }
}
