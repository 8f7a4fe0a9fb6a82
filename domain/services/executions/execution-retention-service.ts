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
import type { ExecutionHistory } from '../../ports/output/execution-history.js';
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

  /**
   * Batch after batch until one comes back short with every job looked at. Stops at once when another replica
   * holds the sweep: that one goes on with it.
   */
  private async sweepBatches(): Promise<number> {
    const rule = retentionRuleAt(this.clock.now(), this.settings);
    let removed = 0;
    let afterJobId: string | null = null;
    for (;;) {
      const batch = await this.history.sweepBatch(rule, SWEEP_BATCH, afterJobId);
      if (!batch) return removed;
      removed += batch.removed;
      if (batch.removed >= SWEEP_BATCH) continue;
      if (batch.nextJobId === null) return removed;
      afterJobId = batch.nextJobId;
    }
  }
}
