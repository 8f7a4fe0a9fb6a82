import type { Backfill, BackfillClaim, BackfillState } from '../../../domain/entities/backfill.js';
import { ACTIVE_STATUSES, type Execution, type ExecutionStatus } from '../../../domain/entities/execution.js';
import type { BackfillOutcome, BackfillProgress, BackfillRepository } from '../../../domain/ports/output/backfill-repository.js';

/** The BackfillRepository contract in memory for one instance, with the job's runs kept alongside, for domain tests. */
export class InMemoryBackfillRepository implements BackfillRepository {
  readonly rows = new Map<string, { backfill: Backfill; ticks: Date[] }>();
  /** Every run: those a test puts there (earlier runs of the job), and those claims store. */
  readonly runs: Execution[] = [];

  async insert(backfill: Backfill, ticks: Date[]): Promise<void> {
    this.rows.set(backfill.id, { backfill: structuredClone(backfill), ticks: [...ticks] });
  }

  async find(id: string): Promise<BackfillProgress | undefined> {
    const row = this.rows.get(id);
    return row && this.progress(row.backfill);
  }

  async listForJob(jobId: string): Promise<BackfillProgress[]> {
    return [...this.rows.values()].filter(({ backfill }) => backfill.jobId === jobId).map(({ backfill }) => this.progress(backfill));
  }

  async newestRunsAt(jobId: string, from: Date, to: Date): Promise<Map<number, ExecutionStatus>> {
    const newest = new Map<number, Execution>();
    for (const run of this.runs) {
      const tick = run.scheduledFor;
      if (run.jobId !== jobId || !tick || tick < from || tick > to || run.status === 'SKIPPED') continue;
      const known = newest.get(tick.getTime());
      if (!known || run.attempt > known.attempt) newest.set(tick.getTime(), run);
    }
    return new Map([...newest].map(([tick, run]) => [tick, run.status]));
  }

  async changeState(id: string, from: BackfillState, to: BackfillState, now: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.backfill.state !== from) return false;
    row.backfill = { ...row.backfill, state: to, updatedAt: now };
    return true;
  }

  async claimRunning(limit: number, decide: (claim: BackfillClaim) => BackfillOutcome): Promise<Execution[]> {
    const stored: Execution[] = [];
    const running = [...this.rows.values()].filter(({ backfill }) => backfill.state === 'running').slice(0, limit);
    for (const row of running) {
      const { backfill, ticks } = row;
      const own = this.runs.filter((run) => run.backfillId === backfill.id);
      const busy = own.filter((run) => run.status === 'QUEUED' || ACTIVE_STATUSES.includes(run.status)).length;
      const started = new Set(own.filter((run) => run.trigger === 'backfill').map((run) => run.scheduledFor!.getTime()));
      const pending = ticks
        .filter((tick) => !started.has(tick.getTime()))
        .slice(0, Math.max(1, backfill.maxActive - busy))
        .map((tick) => ({ tick, attempts: this.attemptsAt(backfill.jobId, tick) }));
      const outcome = decide({ backfill, jobLive: true, jobVersion: null, busy, pending });
      this.runs.push(...outcome.executions);
      stored.push(...outcome.executions);
      if (outcome.state) row.backfill = { ...backfill, state: outcome.state };
    }
    return stored;
  }

  private attemptsAt(jobId: string, tick: Date): number {
    const attempts = this.runs.filter((run) => run.jobId === jobId && run.scheduledFor?.getTime() === tick.getTime());
    return Math.max(0, ...attempts.map((run) => run.attempt));
  }

  private progress(backfill: Backfill): BackfillProgress {
    const runs: BackfillProgress['runs'] = {};
    for (const run of this.runs) if (run.backfillId === backfill.id) runs[run.status] = (runs[run.status] ?? 0) + 1;
    return { backfill: structuredClone(backfill), runs, ticksStarted: 0, ticksFinished: 0 };
  }
}
