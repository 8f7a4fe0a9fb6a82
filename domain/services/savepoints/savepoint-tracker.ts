import type { Execution } from '../../entities/execution.js';
import { periodicSavepointDue, type Savepoint } from '../../entities/savepoint.js';
import type { CronTicks } from '../../entities/schedule.js';
import { executionErrorOf } from '../../errors.js';
import type { Clock } from '../../ports/output/clock.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { SavepointRepository } from '../../ports/output/savepoint-repository.js';
import type { ExecutionSettings } from '../executions/execution-settings.js';
import type { RunDefinitions } from '../executions/run-definitions.js';
import { savepointDirFor } from '../executions/stop-rules.js';
import type { SavepointCatalog, SavepointOutcome } from './savepoint-catalog.js';

/** How long a savepoint may stay stored without a trigger id before it is given up: its sender stopped first. */
const UNSENT_GRACE_MS = 60_000;

/**
 * The savepoints of a run, followed on Flink by the instance that drives the run (its follower calls this every
 * round): pending ones are asked about until they end, and the job's savepoint policy triggers periodic ones. All
 * of it is read from the catalog each round, so a restart or a take-over carries on where it was.
 */
export class SavepointTracker {
  constructor(
    private readonly jobs: JobRepository,
    private readonly definitions: Pick<RunDefinitions, 'of'>,
    private readonly savepoints: SavepointRepository,
    private readonly catalog: SavepointCatalog,
    private readonly flink: FlinkCluster,
    private readonly clock: Clock,
    private readonly settings: ExecutionSettings,
    private readonly cron: CronTicks,
  ) {}

  /**
   * Asks Flink for the savepoint, which the catalog already holds, and stores the trigger id; a refusal fails it
   * with Flink's cause. Resolves with the savepoint as it is now.
   */
  async send(savepoint: Savepoint, flinkJobId: string, targetDirectory: string): Promise<Savepoint> {
    try {
      const triggerId = await this.flink.triggerSavepoint(flinkJobId, { targetDirectory });
      await this.savepoints.setTriggerId(savepoint.id, triggerId);
      return { ...savepoint, triggerId };
    } catch (error) {
      const cause = `Flink did not take the savepoint: ${executionErrorOf(error).message}`;
      return (await this.catalog.settle(savepoint, { kind: 'failed', cause })) ?? savepoint;
    }
  }

  /**
   * One round for a run: settles its pending savepoints Flink has an answer for (all of them when the run `ended`
   * on Flink: one still in progress then never completes), then triggers a periodic savepoint if one is due.
   * Throws FLINK_UNREACHABLE, for the follower's grace period.
   */
  async followUp(execution: Execution, ended: boolean): Promise<void> {
    const pending = await this.savepoints.findPendingForExecution(execution.id);
    for (const savepoint of pending) {
      const outcome = await this.outcomeOf(execution, savepoint, ended);
      if (outcome) await this.catalog.settle(savepoint, outcome);
    }
    if (!ended && pending.length === 0 && execution.status === 'RUNNING') await this.triggerPeriodic(execution);
  }

  /**
   * After a run on Flink ended without a savepoint of its own (cancelled, failed): the checkpoint Flink kept of it,
   * if any, goes into the catalog as RETAINED_CHECKPOINT, so that `latest-state` still finds it once Flink forgot the
   * job (`jobstore.expiration-time`, a JobManager restart). Best effort: nothing kept, or no answer, records nothing.
   */
  async recordRetained(execution: Execution, endedAt: Date): Promise<void> {
    const [point, job] = await Promise.all([
      this.flink.retainedSnapshot(execution.flinkJobId, endedAt).catch(() => undefined),
      this.jobs.findById(execution.jobId),
    ]);
    if (point?.kind === 'checkpoint' && job) await this.catalog.recordRetained(execution, job, point);
  }

  private async outcomeOf(execution: Execution, savepoint: Savepoint, ended: boolean): Promise<SavepointOutcome | undefined> {
    if (!savepoint.triggerId) {
      const unsent = this.clock.now().getTime() - savepoint.createdAt.getTime() >= UNSENT_GRACE_MS;
      return ended || unsent ? { kind: 'failed', cause: 'The savepoint never reached Flink: the instance asking for it stopped first' } : undefined;
    }
    try {
      const status = await this.flink.savepointStatus(execution.flinkJobId, savepoint.triggerId);
      if (status.kind !== 'in-progress') return status;
      return ended ? { kind: 'failed', cause: 'The run ended before the savepoint completed' } : undefined;
    } catch (error) {
      const failure = executionErrorOf(error);
      if (failure.code === 'FLINK_UNREACHABLE') throw error;
      return { kind: 'failed', cause: `Flink cannot say how the savepoint went: ${failure.message}` };
    }
  }

  /**
   * Triggers the job's periodic savepoint when one came due since the last one (or the run's start). The catalog
   * stores one per job and due time, so of two replicas that both find it due exactly one triggers it.
   */
  private async triggerPeriodic(execution: Execution): Promise<void> {
    const job = await this.jobs.findById(execution.jobId);
    // The policy is the job's as it is now (a replace turns periodic savepoints on or off for the run under way);
    // the folder is the one of the configuration the run was submitted with, as for a stop's savepoint.
    const policy = job?.savepointPolicy;
    if (!job || !policy) return;
    const targetDirectory = savepointDirFor((await this.definitions.of(execution, job)) ?? job, this.settings);
    if (!targetDirectory) return;
    const started = execution.startedAt ?? execution.createdAt;
    const last = await this.savepoints.latestPeriodicDue(job.id);
    const since = last && last > started ? last : started;
    const due = periodicSavepointDue(policy, since, this.clock.now(), this.cron);
    if (!due) return;
    const savepoint = this.catalog.newPending(execution, job, 'PERIODIC', { dueAt: due });
    if (await this.savepoints.claimPeriodic(savepoint)) await this.send(savepoint, execution.flinkJobId, targetDirectory);
  }
}
