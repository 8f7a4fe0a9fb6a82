import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { eventTypeOfNewExecution, runEvent, ticksMissedEvent } from '../../../domain/entities/event.js';
import type { TickOutcome } from '../../../domain/ports/output/schedule-repository.js';
import { rowsOf, type AppDatabase } from './database.js';
import { leaseColumns, type LeaseTerms } from './execution-leases.js';
import { eventJson, insertEventsSql } from './event-outbox.js';
import { executionRow, insertManyExecutions } from './execution-rows.js';
import { rowsFromJson, type JsonRow } from './json-rows.js';
import { jobSchedules, type ScheduleRow } from './schedule-table.js';
import { ACTIVE, jobExecutions, jobs } from './schema.js';

// The steps of a claim, one statement each, all run in the claim's transaction.

/** How many of a job's executions the decision on its due tick has to reckon with, and the job's version. */
export interface BusyExecutions {
  /** Active and exclusive. */
  active: number;
  /** Waiting in the queue. */
  waiting: number;
  /** The version the tick's run is of. */
  jobVersion: number;
}

/** A due schedule locked by a claim, with what its tick's decision has to reckon with (none: the job is gone). */
export interface LockedSchedule {
  row: ScheduleRow;
  busy: BusyExecutions | undefined;
}

const scheduleOfJson = rowsFromJson<ScheduleRow>(getTableColumns(jobSchedules));

/** Counts a job's executions that `where` holds for (`busy` is each execution; `owner`, what has the job's id). */
const busyCount = (where: SQL, owner = sql`due.job_id`) =>
  sql`(select count(*)::int from job_executions busy where busy.job_id = ${owner} and ${where})`;

/**
 * Locks up to `limit` unpaused schedules due at `now`, earliest first, and reads each one's busy executions and
 * job version (see `countBusyExecutions`), in one statement. Rows another instance holds are skipped, not waited
 * for: each due tick is handled by one instance. The counts read the database as the statement began, as a second
 * statement would read it a moment later: a run that takes the job's slot meanwhile is refused by the unique index
 * when the claim stores its tick, and the tick is decided again (see `recordRefusedTicks`).
 */
export async function lockDueSchedules(tx: Pick<AppDatabase, 'execute'>, now: Date, limit: number): Promise<LockedSchedule[]> {
  // The locking select is a `with` part of its own, which PostgreSQL runs once and before the rest (a query with
  // FOR UPDATE is never folded into the one reading it): the job and the counts are read for the rows locked, not
  // for every due one. Each is a subquery by the locked row's job id, an index lookup whatever the planner guesses
  // of the number of rows locked: a join with jobs may be planned as a scan of every job.
  const result = await tx.execute(sql`
    with due as (
      select * from ${jobSchedules}
      where not ${jobSchedules.paused} and ${jobSchedules.nextDueAt} is not null
        and ${jobSchedules.nextDueAt} <= ${now.toISOString()}::timestamptz
      order by ${jobSchedules.nextDueAt}
      limit ${limit}
      for update skip locked
    )
    select to_json(due) as schedule,
      (select version from ${jobs} where jobs.id = due.job_id and jobs.deleted_at is null) as job_version,
      ${busyCount(sql`busy.exclusive and ${ACTIVE}`)} as active,
      ${busyCount(sql`busy.status = 'QUEUED'`)} as waiting
    from due
    order by due.next_due_at`);
  return rowsOf<{ schedule: JsonRow; job_version: number | null; active: number; waiting: number }>(result).map((row) => ({
    row: scheduleOfJson(row.schedule),
    busy: row.job_version === null ? undefined : { active: row.active, waiting: row.waiting, jobVersion: row.job_version },
  }));
}

/** Locks the job's schedule, waiting for a claim that holds it: a tick fired now, or a change to its counters. */
export function lockSchedule(tx: Pick<AppDatabase, 'select'>, jobId: string): Promise<ScheduleRow[]> {
  return tx.select().from(jobSchedules).where(eq(jobSchedules.jobId, jobId)).for('update');
}

/** The busy executions and the version of each of `jobIds` that is a live job. */
export async function countBusyExecutions(
  tx: Pick<AppDatabase, 'select'>,
  jobIds: string[],
): Promise<Map<string, BusyExecutions>> {
  // Each count walks a small partial index by job (`one_active_per_job`, `queued_job_idx`), whatever the number of
  // active runs of other jobs: a join filtered by status had the planner scan every active run for each job. The
  // columns are written qualified: drizzle leaves them bare in the fields of a one-table query.
  const rows = await tx
    .select({
      jobId: jobs.id,
      jobVersion: jobs.version,
      active: busyCount(sql`busy.exclusive and ${ACTIVE}`, sql`jobs.id`).mapWith(Number),
      waiting: busyCount(sql`busy.status = 'QUEUED'`, sql`jobs.id`).mapWith(Number),
    })
    .from(jobs)
    // One array parameter, not one per job: the same statement text, prepared once, for every claim size. Its ids
    // are a relation to join (`in (select unnest(...))`), not `id = any(...)`: in a prepared statement's generic plan
    // the planner may take any index that has `id` and test each entry against the whole array, which for a claim
    // of 800 due jobs among 10,000 cost 0.7 s.
    .where(and(sql`${jobs.id} in (select unnest(${`{${jobIds.join(',')}}`}::uuid[]))`, isNull(jobs.deletedAt)));
  return new Map(rows.map(({ jobId, ...busy }) => [jobId, busy]));
}

/**
 * Stores the executions of every outcome, driven by this instance, with their events and those of the ticks missed,
 * and with `alongside` (see `claimedSchedulesSql`), in one statement. An execution a unique index refuses is left
 * out, and its event with it; resolves with the ids stored.
 */
export async function insertTickExecutions(
  tx: Pick<AppDatabase, 'execute'>,
  outcomes: TickOutcome[],
  terms: LeaseTerms,
  alongside?: SQL,
): Promise<{ id: string }[]> {
  const executions = outcomes.flatMap((outcome) => outcome.executions);
  const events = tickEvents(outcomes);
  if (executions.length === 0) {
    if (events.length > 0) await tx.execute(insertEventsSql(events));
    if (alongside) await tx.execute(alongside);
    return [];
  }
  const lease = leaseColumns(terms);
  const rows = executions.map(({ execution, exclusive }) => ({ ...executionRow(execution), exclusive, ...lease }));
  return insertManyExecutions(tx, rows, events, alongside);
}

/** Per schedule, in order: the ticks it missed, then the run of the tick it fired. */
function tickEvents(outcomes: TickOutcome[]): object[] {
  const events = outcomes.flatMap((outcome) => [
    ...(outcome.missed ? [{ event: ticksMissedEvent(outcome.schedule.jobId, outcome.missed), executionId: null }] : []),
    ...outcome.executions.flatMap(({ execution, events = [] }) =>
      [runEvent(eventTypeOfNewExecution(execution), execution), ...events].map((event) => ({ event, executionId: execution.id })),
    ),
  ]);
  return events.map(({ event, executionId }, ord) => eventJson(event, { ord, execution_id: executionId }));
}

/** Whether every tick of `outcome` already has its execution (stored by an earlier claim of the same tick). */
export async function tickRecorded(tx: Pick<AppDatabase, 'select'>, outcome: TickOutcome): Promise<boolean> {
  for (const { execution } of outcome.executions) {
    if (!execution.scheduledFor) return false;
    const [found] = await tx
      .select({ id: jobExecutions.id })
      .from(jobExecutions)
      .where(
        and(
          eq(jobExecutions.jobId, execution.jobId),
          eq(jobExecutions.trigger, 'schedule'),
          eq(jobExecutions.scheduledFor, execution.scheduledFor),
          eq(jobExecutions.attempt, execution.attempt),
        ),
      );
    if (!found) return false;
  }
  return true;
}

/** The update of what claims change in each schedule (next tick, last tick, counters, remaining runs), all in one statement. */
export function claimedSchedulesSql(outcomes: TickOutcome[]): SQL {
  // A time that is not there is left out of the JSON (undefined), which the recordset reads as null.
  const changes = outcomes.map(({ schedule, nextDueAt }) => ({
    job_id: schedule.jobId,
    next_fire_at: schedule.nextFireAt?.toISOString(),
    next_due_at: nextDueAt?.toISOString(),
    last_fire_at: schedule.lastFireAt?.toISOString(),
    runs_started: schedule.counters.runsStarted,
    ticks_skipped: schedule.counters.ticksSkipped,
    ticks_missed: schedule.counters.ticksMissed,
    remaining_runs: schedule.remainingRuns,
  }));
  return sql`
    update ${jobSchedules} as s
    set next_fire_at = c.next_fire_at, next_due_at = c.next_due_at, last_fire_at = c.last_fire_at,
        runs_started = c.runs_started, ticks_skipped = c.ticks_skipped, ticks_missed = c.ticks_missed,
        remaining_runs = c.remaining_runs
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(
      job_id uuid, next_fire_at timestamptz, next_due_at timestamptz, last_fire_at timestamptz,
      runs_started integer, ticks_skipped integer, ticks_missed integer, remaining_runs integer)
    where s.job_id = c.job_id`;
}
