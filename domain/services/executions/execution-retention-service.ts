import type { AuditContext } from '../../entities/audit.js';
import {
  removableRunsOf,
  retentionRuleAt,
  type PurgeOutcome,
  type PurgeRequest,
  type RetentionSettings,
} from '../../entities/execution-retention.js';
import { InvalidPurgeError, JobNotFoundError } from '../../errors.js';
import type { ExecutionRetention } from '../../ports/input/execution-retention.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionHistory, RunPosition, SweptBatch } from '../../ports/output/execution-history.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { AuditedChanges } from '../change-records.js';

/** How many rows one sweep batch removes: small batches keep locks and transactions short. */
const SWEEP_BATCH = 1000;
/** How many rows this replica removes between two reclaims of their space. */
const RECLAIM_AFTER = 10_000;

export class ExecutionRetentionService implements ExecutionRetention {
  private removedSinceReclaim = 0;

  constructor(
    private readonly history: ExecutionHistory,
    private readonly jobs: JobRepository,
    private readonly changes: AuditedChanges,
    private readonly clock: Clock,
    private readonly settings: RetentionSettings,
  ) {}

  async purge(request: PurgeRequest, audit: AuditContext): Promise<PurgeOutcome> {
    const runs = removableRunsOf(request, this.clock.now());
    if (typeof runs === 'string') throw new InvalidPurgeError('before', runs);
    if (runs.jobId && !(await this.jobs.everExisted(runs.jobId))) throw new JobNotFoundError(runs.jobId);
    const dryRun = request.dryRun === true;
    const removed = await this.changes.run(
      audit,
      ({ history }) => (dryRun ? history.countRemovable(runs) : history.removeRemovable(runs)),
      () => ({ resourceId: runs.jobId ?? '*', versionBefore: null, versionAfter: null }),
    );
    return { removed, dryRun };
  }

  /** Sweeps, and now and then (every RECLAIM_AFTER rows this replica removed) hands their space back. */
  async sweep(): Promise<number> {
    const removed = await this.sweepBatches();
    this.removedSinceReclaim += removed;
    if (this.removedSinceReclaim >= RECLAIM_AFTER) {
      this.removedSinceReclaim = 0;
      await this.history.reclaimSpace();
    }
    return removed;
  }

  /** The three walks of a sweep, each batch after batch; none goes on once another replica holds the sweep. */
  private async sweepBatches(): Promise<number> {
    const rule = retentionRuleAt(this.clock.now(), this.settings);
    const old = await walk((after: RunPosition | null) => this.history.sweepOldRuns(rule.before, SWEEP_BATCH, after));
    if (!old.done) return old.removed;
    const counted = await walk((after: string | null) => this.history.sweepRunsPastCount(rule.keepPerJob, SWEEP_BATCH, after));
    if (!counted.done) return old.removed + counted.removed;
    const jobs = await walk(async () => {
      const removed = await this.history.sweepDeletedJobs(rule.before, SWEEP_BATCH);
      return removed === null ? null : { removed, next: removed >= SWEEP_BATCH ? true : null };
    });
    return old.removed + counted.removed + jobs.removed;
  }
}

/** Runs `step` from the start, then from where each batch says, until one says it is the last (`done`) or none runs. */
async function walk<Position>(
  step: (after: Position | null) => Promise<SweptBatch<Position> | null>,
): Promise<{ removed: number; done: boolean }> {
  let removed = 0;
  let after: Position | null = null;
  for (;;) {
    const batch = await step(after);
    if (!batch) return { removed, done: false };
    removed += batch.removed;
    if (batch.next === null) return { removed, done: true };
    after = batch.next;
  }
}
