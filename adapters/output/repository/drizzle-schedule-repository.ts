import { and, asc, eq, inArray, isNotNull, lte, min, not, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES, type Execution } from '../../../domain/entities/execution.js';
import type { Schedule } from '../../../domain/entities/schedule.js';
import type { DueTick, ScheduleRepository, TickOutcome } from '../../../domain/ports/output/schedule-repository.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { executionRow, insertManyExecutions, leaseColumns, type ExecutionLeases } from './drizzle-execution-repository.js';
import { jobExecutions, jobSchedules, type ScheduleRow } from './schema.js';

const activeStatus = inArray(jobExecutions.status, [...ACTIVE_STATUSES]);

const due = (now: Date) =>
  and(not(jobSchedules.paused), isNotNull(jobSchedules.nextDueAt), lte(jobSchedules.nextDueAt, now));

export class DrizzleScheduleRepository implements ScheduleRepository {
  constructor(
    private readonly db: AppDatabase,
    /** Runs this instance records for due ticks are driven by it. */
    private readonly leases: ExecutionLeases,
  ) {}

  async find(jobId: string): Promise<Schedule | undefined> {
    return (await this.findMany([jobId])).get(jobId);
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
      this.db.transaction(async (tx) => {
        // Rows another instance holds are skipped, not waited for: each due tick is handled by one instance.
        const rows = await tx
          .select()
          .from(jobSchedules)
          .where(due(now))
          .orderBy(asc(jobSchedules.nextDueAt))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return [];

        const jobIds = rows.map((row) => row.jobId);
        const busy = await tx
          .select({
            jobId: jobExecutions.jobId,
            active: sql<number>`count(*) filter (where ${jobExecutions.exclusive} and ${activeStatus})`.mapWith(Number),
            waiting: sql<number>`count(*) filter (where ${jobExecutions.status} = 'QUEUED')`.mapWith(Number),
          })
          .from(jobExecutions)
          .where(and(inArray(jobExecutions.jobId, jobIds), inArray(jobExecutions.status, ['QUEUED', ...ACTIVE_STATUSES])))
          .groupBy(jobExecutions.jobId);
        const runsOf = new Map(busy.map((row) => [row.jobId, row]));

        // Every decision first (they need no I/O), then one insert of all the runs and one update of all the
        // schedules: a claim is four statements whatever its size, and its locks are held that long only.
        const insertRuns = async (outcomes: TickOutcome[]) => {
          const runs = outcomes.flatMap((outcome) => outcome.executions);
          if (runs.length === 0) return [];
          const lease = leaseColumns(this.leases);
          return insertManyExecutions(
            tx,
            runs.map(({ execution, exclusive }) => ({ ...executionRow(execution), exclusive, ...lease })),
          );
        };
        const ticks = rows.map((row): DueTick => {
          const runs = runsOf.get(row.jobId);
          return { schedule: toSchedule(row), activeExecutions: runs?.active ?? 0, waitingExecutions: runs?.waiting ?? 0 };
        });
        const outcomes = ticks.map(decide);
        const storedIds = new Set((await insertRuns(outcomes)).map((row) => row.id));
        if (storedIds.size < outcomes.reduce((sum, outcome) => sum + outcome.executions.length, 0)) {
          for (const [index, outcome] of outcomes.entries()) {
            if (outcome.executions.every(({ execution }) => storedIds.has(execution.id))) continue;
            if (await this.tickRecorded(tx, outcome)) continue;
            // Refused by the one-active-run index, not the one-run-per-tick one: a manual start took the job's
            // slot after the count above. The tick is decided again as overlapping, so it is still recorded.
            const tick = ticks[index]!;
            outcomes[index] = decide({ ...tick, activeExecutions: tick.activeExecutions + 1 });
            for (const row of await insertRuns([outcomes[index]!])) storedIds.add(row.id);
          }
        }
        await this.saveClaimedSchedules(tx, outcomes);
        return outcomes.flatMap((outcome) =>
          outcome.executions.map(({ execution }) => execution).filter((execution) => storedIds.has(execution.id)),
        );
      }),
    );
  }

  /** Stores what claims change in each schedule (next tick, last tick, counters), all in one statement. */
  private async saveClaimedSchedules(tx: Pick<AppDatabase, 'execute'>, outcomes: TickOutcome[]): Promise<void> {
    const changes = outcomes.map(({ schedule, nextDueAt }) => ({
      job_id: schedule.jobId,
      next_fire_at: schedule.nextFireAt?.toISOString() ?? null,
      next_due_at: nextDueAt?.toISOString() ?? null,
      last_fire_at: schedule.lastFireAt?.toISOString() ?? null,
      runs_started: schedule.counters.runsStarted,
      ticks_skipped: schedule.counters.ticksSkipped,
      ticks_missed: schedule.counters.ticksMissed,
    }));
    await tx.execute(sql`
      update ${jobSchedules} as s
      set next_fire_at = c.next_fire_at, next_due_at = c.next_due_at, last_fire_at = c.last_fire_at,
          runs_started = c.runs_started, ticks_skipped = c.ticks_skipped, ticks_missed = c.ticks_missed
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(
        job_id uuid, next_fire_at timestamptz, next_due_at timestamptz, last_fire_at timestamptz,
        runs_started integer, ticks_skipped integer, ticks_missed integer)
      where s.job_id = c.job_id`);
  }

  /** Whether every tick of `outcome` already has its run (stored by an earlier claim of the same tick). */
  private async tickRecorded(tx: Pick<AppDatabase, 'select'>, outcome: TickOutcome): Promise<boolean> {
    for (const { execution } of outcome.executions) {
      if (!execution.scheduledFor) return false;
      const [found] = await tx
        .select({ id: jobExecutions.id })
        .from(jobExecutions)
        .where(
          and(
            eq(jobExecutions.jobId, execution.jobId),
            eq(jobExecutions.scheduledFor, execution.scheduledFor),
            eq(jobExecutions.attempt, execution.attempt),
          ),
        );
      if (!found) return false;
    }
    return true;
  }

  async nextDueAt(): Promise<Date | null> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .select({ next: min(jobSchedules.nextDueAt) })
        .from(jobSchedules)
        .where(and(not(jobSchedules.paused), isNotNull(jobSchedules.nextDueAt)));
      return row?.next ? new Date(row.next) : null;
    });
  }
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
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
    version: schedule.version,
  };
}

function toSchedule(row: ScheduleRow): Schedule {
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
    counters: { runsStarted: row.runsStarted, ticksSkipped: row.ticksSkipped, ticksMissed: row.ticksMissed },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}
