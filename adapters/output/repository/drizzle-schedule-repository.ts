import { and, eq, getTableColumns, inArray, isNotNull, min, not, sql } from 'drizzle-orm';
import type { NewEvent } from '../../../domain/entities/event.js';
import type { Execution } from '../../../domain/entities/execution.js';
import type { Schedule } from '../../../domain/entities/schedule.js';
import type { DueTick, ScheduleRepository, TickOutcome } from '../../../domain/ports/output/schedule-repository.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { eventJson, insertEventsSql } from './event-outbox.js';
import type { LeaseTerms } from './execution-leases.js';
import { rowsFromJson, type JsonRow } from './json-rows.js';
import {
  countBusyExecutions,
  claimedSchedulesSql,
  insertTickExecutions,
  lockDueSchedules,
  lockSchedule,
  tickRecorded,
  type BusyExecutions,
  type LockedSchedule,
} from './schedule-claims.js';
import { endFailureStreakSql, jobSchedules, type ScheduleRow } from './schedule-table.js';

const scheduleFromJson = rowsFromJson<ScheduleRow>(getTableColumns(jobSchedules));

export class DrizzleScheduleRepository implements ScheduleRepository {
  constructor(
    private readonly db: AppDatabase,
    /** Executions this instance records for due ticks are driven by it. */
    private readonly leaseTerms: LeaseTerms,
    /** Where claims run: connections of their own, so that no other work delays a tick (`db` by default). */
    private readonly claims: AppDatabase = db,
  ) {}

  /** Prepared at its first use, the schedule as one JSON value: every start reads its job's. */
  async find(jobId: string): Promise<Schedule | undefined> {
    const statement = (this.ofJob ??= this.ofJobStatement());
    return withStorageErrors(async () => {
      const [row] = await statement.execute({ jobId });
      return row && toSchedule(scheduleFromJson(row.schedule));
    });
  }

  private ofJob: ReturnType<DrizzleScheduleRepository['ofJobStatement']> | undefined;

  private ofJobStatement() {
    const schedule = sql<JsonRow>`to_json(${jobSchedules})`;
    return this.db.select({ schedule }).from(jobSchedules).where(eq(jobSchedules.jobId, sql.placeholder('jobId'))).prepare('job_schedule');
  }

  async findMany(jobIds: string[]): Promise<Map<string, Schedule>> {
    if (jobIds.length === 0) return new Map();
    return withStorageErrors(async () => {
      const rows = await this.db.select().from(jobSchedules).where(inArray(jobSchedules.jobId, jobIds));
      return new Map(rows.map((row) => [row.jobId, toSchedule(row)]));
    });
  }

  async save(schedule: Schedule, nextDueAt: Date | null): Promise<void> {
    const row = toRow(schedule, nextDueAt);
    await withStorageErrors(() =>
      this.db.insert(jobSchedules).values(row).onConflictDoUpdate({ target: jobSchedules.jobId, set: row }),
    );
  }

  async remove(jobId: string): Promise<boolean> {
    return withStorageErrors(async () => {
      const removed = await this.db
        .delete(jobSchedules)
        .where(eq(jobSchedules.jobId, jobId))
        .returning({ jobId: jobSchedules.jobId });
      return removed.length === 1;
    });
  }

  async claimDue(now: Date, limit: number, decide: (tick: DueTick) => TickOutcome): Promise<Execution[]> {
    return withStorageErrors(() =>
      this.claims.transaction(async (tx) => this.decideAndStore(tx, await lockDueSchedules(tx, now, limit), decide)),
    );
  }

  async fireNow(jobId: string, decide: (tick: DueTick) => TickOutcome): Promise<Execution[] | undefined> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const rows = await lockSchedule(tx, jobId);
        if (rows.length === 0) return undefined;
        const busy = await countBusyExecutions(tx, rows.map((row) => row.jobId));
        return this.decideAndStore(tx, rows.map((row) => ({ row, busy: busy.get(row.jobId) })), decide);
      }),
    );
  }

  async update(
    jobId: string,
    change: (schedule: Schedule) => { schedule: Schedule; events: NewEvent[] } | undefined,
  ): Promise<boolean> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const [row] = await lockSchedule(tx, jobId);
        if (!row) return false;
        const changed = change(toSchedule(row));
        if (!changed) return true;
        // The change leaves the ticks alone, so the schedule stays due when it was.
        const values = toRow(changed.schedule, row.nextDueAt);
        await tx.update(jobSchedules).set(values).where(eq(jobSchedules.jobId, jobId));
        if (changed.events.length > 0) await tx.execute(insertEventsSql(changed.events.map((event, ord) => eventJson(event, { ord }))));
        return true;
      }),
    );
  }

  async endFailureStreak(jobId: string): Promise<void> {
    await withStorageErrors(() => this.db.execute(endFailureStreakSql(jobId)));
  }

  /** Decides each locked due schedule's tick and stores the outcomes, in the caller's transaction. */
  private async decideAndStore(
    tx: Pick<AppDatabase, 'select' | 'execute'>,
    locked: LockedSchedule[],
    decide: (tick: DueTick) => TickOutcome,
  ): Promise<Execution[]> {
    if (locked.length === 0) return [];
    const ticks = locked.map(({ row, busy }) => dueTick(row, busy));
    // Every decision first (they need no I/O), then one statement that inserts all the executions with their
    // events and updates all the schedules: a claim is two statements whatever its size (the lock, which reads
    // the counts too, and the insert), and its locks are held that long.
    const outcomes = ticks.map(decide);
    const stored = await insertTickExecutions(tx, outcomes, this.leaseTerms, claimedSchedulesSql(outcomes));
    const storedIds = new Set(stored.map((row) => row.id));
    await this.recordRefusedTicks(tx, ticks, outcomes, storedIds, decide);
    return outcomes.flatMap((outcome) =>
      outcome.executions.map(({ execution }) => execution).filter((execution) => storedIds.has(execution.id)),
    );
  }

  /**
   * A tick whose executions were not all stored, and not by an earlier claim of the same tick either, was refused by
   * the one-active-execution index, not the one-per-tick one: a manual start took the job's slot after the count.
   * The tick is decided again as overlapping, so it is still recorded. Updates `outcomes` and `storedIds` in place.
   */
  private async recordRefusedTicks(
    tx: Pick<AppDatabase, 'select' | 'execute'>,
    ticks: DueTick[],
    outcomes: TickOutcome[],
    storedIds: Set<string>,
    decide: (tick: DueTick) => TickOutcome,
  ): Promise<void> {
    if (storedIds.size >= outcomes.reduce((sum, outcome) => sum + outcome.executions.length, 0)) return;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.executions.every(({ execution }) => storedIds.has(execution.id))) continue;
      if (await tickRecorded(tx, outcome)) continue;
      const tick = ticks[index]!;
      const redecided = decide({ ...tick, activeExecutions: tick.activeExecutions + 1 });
      outcomes[index] = redecided;
      // Its missed ticks were recorded with the first insert; its schedule is stored again with the new counters.
      const again = await insertTickExecutions(tx, [{ ...redecided, missed: null }], this.leaseTerms, claimedSchedulesSql([redecided]));
      for (const row of again) storedIds.add(row.id);
    }
  }

  async nextDueAt(): Promise<Date | null> {
    return withStorageErrors(async () => {
      const [row] = await this.claims
        .select({ next: min(jobSchedules.nextDueAt) })
        .from(jobSchedules)
        .where(and(not(jobSchedules.paused), isNotNull(jobSchedules.nextDueAt)));
      return row?.next ? new Date(row.next) : null;
    });
  }
}

function dueTick(row: ScheduleRow, busy: BusyExecutions | undefined): DueTick {
  return {
    schedule: toSchedule(row),
    activeExecutions: busy?.active ?? 0,
    waitingExecutions: busy?.waiting ?? 0,
    jobVersion: busy?.jobVersion ?? null,
  };
}

function toRow(schedule: Schedule, nextDueAt: Date | null): typeof jobSchedules.$inferInsert {
  return {
    jobId: schedule.jobId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlapPolicy: schedule.overlapPolicy,
    catchupWindowSeconds: schedule.catchupWindowSeconds,
    jitterSeconds: schedule.jitterSeconds,
    startAt: schedule.startAt,
    endAt: schedule.endAt,
    paused: schedule.paused,
    pauseNote: schedule.pauseNote,
    nextFireAt: schedule.nextFireAt,
    nextDueAt,
    lastFireAt: schedule.lastFireAt,
    runsStarted: schedule.counters.runsStarted,
    ticksSkipped: schedule.counters.ticksSkipped,
    ticksMissed: schedule.counters.ticksMissed,
    remainingRuns: schedule.remainingRuns,
    pauseAfterFailures: schedule.pauseAfterFailures,
    deadlineSeconds: schedule.deadlineSeconds,
    deadlinesMissed: schedule.counters.deadlinesMissed,
    consecutiveFailures: schedule.counters.consecutiveFailures,
    failureStreak: schedule.failureStreak,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
    version: schedule.version,
  };
}

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    jobId: row.jobId,
    cron: row.cron,
    timezone: row.timezone,
    overlapPolicy: row.overlapPolicy,
    catchupWindowSeconds: row.catchupWindowSeconds,
    jitterSeconds: row.jitterSeconds,
    startAt: row.startAt,
    endAt: row.endAt,
    paused: row.paused,
    pauseNote: row.pauseNote,
    nextFireAt: row.nextFireAt,
    lastFireAt: row.lastFireAt,
    remainingRuns: row.remainingRuns,
    pauseAfterFailures: row.pauseAfterFailures,
    deadlineSeconds: row.deadlineSeconds,
    counters: {
      runsStarted: row.runsStarted,
      ticksSkipped: row.ticksSkipped,
      ticksMissed: row.ticksMissed,
      deadlinesMissed: row.deadlinesMissed,
      consecutiveFailures: row.consecutiveFailures,
    },
    failureStreak: row.failureStreak,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}
