import { and, desc, eq, getTableColumns, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Backfill, BackfillClaim, BackfillState } from '../../../domain/entities/backfill.js';
import type { Execution, ExecutionStatus } from '../../../domain/entities/execution.js';
import type {
  BackfillOutcome,
  BackfillProgress,
  BackfillRepository,
} from '../../../domain/ports/output/backfill-repository.js';
import {
  BUSY_STATUSES,
  countBusyRuns,
  endBackfills,
  insertBackfillRuns,
  lockRunningBackfills,
  pendingTicks,
} from './backfill-claims.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { DrizzleEventOutbox } from './event-outbox.js';
import type { LeaseTerms } from './execution-leases.js';
import { notSkipped } from './execution-rows.js';
import { backfills, toBackfill, type BackfillRow } from './backfill-tables.js';
import { jobExecutions } from './schema.js';

/** Every column but the ticks, which only claims read. */
const { ticks: _ticks, ...summaryColumns } = getTableColumns(backfills);

type SummaryRow = Omit<BackfillRow, 'ticks'>;

export class DrizzleBackfillRepository implements BackfillRepository {
  constructor(
    private readonly db: AppDatabase,
    /** Runs this instance stores for a backfill are driven by it. */
    private readonly leaseTerms: LeaseTerms,
    /** Where claims run (`db` by default): the scheduler's own connections. */
    private readonly claims: AppDatabase = db,
  ) {}

  async insert(backfill: Backfill, ticks: Date[]): Promise<void> {
    await withStorageErrors(() =>
      this.db.insert(backfills).values({
        id: backfill.id,
        jobId: backfill.jobId,
        fromAt: backfill.from,
        toAt: backfill.to,
        reprocess: backfill.reprocess,
        maxActive: backfill.maxActive,
        ticks: ticks.map((tick) => tick.toISOString()),
        tickCount: backfill.tickCount,
        state: backfill.state,
        requestedBy: backfill.requestedBy,
        createdAt: backfill.createdAt,
        updatedAt: backfill.updatedAt,
      }),
    );
  }

  async find(id: string): Promise<BackfillProgress | undefined> {
    return withStorageErrors(async () => {
      const rows = await this.db.select(summaryColumns).from(backfills).where(eq(backfills.id, id));
      return (await this.withProgress(rows))[0];
    });
  }

  async listForJob(jobId: string): Promise<BackfillProgress[]> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .select(summaryColumns)
        .from(backfills)
        .where(eq(backfills.jobId, jobId))
        .orderBy(desc(backfills.createdAt), desc(backfills.id));
      return this.withProgress(rows);
    });
  }

  async newestRunsAt(jobId: string, from: Date, to: Date): Promise<Map<number, ExecutionStatus>> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .selectDistinctOn([jobExecutions.scheduledFor], { tick: jobExecutions.scheduledFor, status: jobExecutions.status })
        .from(jobExecutions)
        .where(
          and(
            eq(jobExecutions.jobId, jobId),
            isNotNull(jobExecutions.scheduledFor),
            gte(jobExecutions.scheduledFor, from),
            lte(jobExecutions.scheduledFor, to),
            notSkipped,
          ),
        )
        .orderBy(jobExecutions.scheduledFor, desc(jobExecutions.attempt), desc(jobExecutions.createdAt));
      return new Map(rows.map((row) => [row.tick!.getTime(), row.status]));
    });
  }

  async changeState(id: string, from: BackfillState, to: BackfillState, now: Date): Promise<boolean> {
    return withStorageErrors(async () => {
      const changed = await this.db
        .update(backfills)
        .set({ state: to, updatedAt: now })
        .where(and(eq(backfills.id, id), eq(backfills.state, from)))
        .returning({ id: backfills.id });
      return changed.length === 1;
    });
  }

  async claimRunning(limit: number, decide: (claim: BackfillClaim) => BackfillOutcome): Promise<Execution[]> {
    return withStorageErrors(() =>
      this.claims.transaction(async (tx) => {
        const locked = await lockRunningBackfills(tx, limit);
        if (locked.length === 0) return [];
        const busy = await countBusyRuns(tx, locked.map(({ backfill }) => backfill.id));
        const outcomes: BackfillOutcome[] = [];
        for (const { backfill, jobLive, jobVersion } of locked) {
          const busyRuns = busy.get(backfill.id) ?? 0;
          // At least one, so that no pending tick means none is left.
          const pending = jobLive ? await pendingTicks(tx, backfill, Math.max(1, backfill.maxActive - busyRuns)) : [];
          outcomes.push(decide({ backfill, jobLive, jobVersion, busy: busyRuns, pending }));
        }
        const stored = new Set((await insertBackfillRuns(tx, outcomes, this.leaseTerms)).map((row) => row.id));
        const ended = locked.flatMap(({ backfill }, index) => {
          const state = outcomes[index]!.state;
          return state ? [{ id: backfill.id, state }] : [];
        });
        await endBackfills(tx, ended, this.leaseTerms.clock.now());
        await new DrizzleEventOutbox(tx).append(outcomes.flatMap((outcome) => outcome.events));
        return outcomes.flatMap((outcome) => outcome.executions).filter((execution) => stored.has(execution.id));
      }),
    );
  }

  /** The rows as backfills, each with its runs counted by status and its ticks started and finished. */
  private async withProgress(rows: SummaryRow[]): Promise<BackfillProgress[]> {
    if (rows.length === 0) return [];
    const busy = sql.join(BUSY_STATUSES.map((status) => sql`${status}`), sql`, `);
    const counts = await this.db
      .select({
        backfillId: jobExecutions.backfillId,
        status: jobExecutions.status,
        runs: sql<number>`count(*)`.mapWith(Number),
      })
      .from(jobExecutions)
      .where(inArray(jobExecutions.backfillId, rows.map((row) => row.id)))
      .groupBy(jobExecutions.backfillId, jobExecutions.status);
    const busyTicks = await this.db
      .select({
        backfillId: jobExecutions.backfillId,
        started: sql<number>`count(distinct ${jobExecutions.scheduledFor})`.mapWith(Number),
        busy: sql<number>`count(distinct ${jobExecutions.scheduledFor}) filter (where ${jobExecutions.status} in (${busy}))`.mapWith(Number),
      })
      .from(jobExecutions)
      .where(inArray(jobExecutions.backfillId, rows.map((row) => row.id)))
      .groupBy(jobExecutions.backfillId);
    return rows.map((row) => {
      const runs: Partial<Record<ExecutionStatus, number>> = {};
      for (const count of counts) if (count.backfillId === row.id) runs[count.status] = count.runs;
      const ticks = busyTicks.find((count) => count.backfillId === row.id);
      const started = ticks?.started ?? 0;
      return { backfill: toBackfill(row), runs, ticksStarted: started, ticksFinished: started - (ticks?.busy ?? 0) };
    });
  }
}
