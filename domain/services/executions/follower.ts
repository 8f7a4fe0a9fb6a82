import { isTerminal, mayBeOnFlink, type Execution } from '../../entities/execution.js';
import { executionErrorOf } from '../../errors.js';
import type { BackgroundTasks } from '../../ports/output/background-tasks.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster, FlinkJobState } from '../../ports/output/flink-cluster.js';
import type { SavepointTracker } from '../savepoints/savepoint-tracker.js';
import type { ExecutionEnding } from './ending.js';
import type { ExecutionSettings } from './execution-settings.js';
import type { HeldExecutions } from './held-executions.js';
import type { ScheduledRunOutcomes } from './scheduled-run-outcomes.js';
import type { StopRules } from './stop-rules.js';

/**
 * Follows an execution Flink has until it ends: carries a pending stop forward, enforces the job's limits, and
 * records the end Flink reports. A JobManager that cannot be reached is waited for, up to a grace period.
 */
export class ExecutionFollower {
  /** When Flink was last reached while following each execution; one is given up after the grace period. */
  private readonly lastContact = new Map<string, number>();
  /** Follow-ups asked for and not begun: asking again before one begins adds nothing. */
  private readonly waiting = new Set<string>();

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly flink: FlinkCluster,
    private readonly stops: StopRules,
    private readonly ending: ExecutionEnding,
    private readonly held: HeldExecutions,
    private readonly tasks: BackgroundTasks,
    private readonly clock: Clock,
    private readonly settings: ExecutionSettings,
    private readonly scheduledRuns: ScheduledRunOutcomes,
    private readonly savepoints: SavepointTracker,
  ) {}

  /**
   * Follows the execution up in the background, now rather than at the next poll. Only for an execution this
   * instance drives: another instance's is looked at by that instance. `current` is the execution as just read.
   */
  request(executionId: string, current?: Execution): void {
    if (!this.held.holds(executionId) || this.waiting.has(executionId)) return;
    this.waiting.add(executionId);
    // Behind another task of the execution, what was read now will be stale by then.
    const known = this.tasks.isBusy(executionId) ? undefined : current;
    this.tasks.run(executionId, 'follow-up', () => {
      this.waiting.delete(executionId);
      return this.followUp(executionId, known);
    });
  }

  /** One look at the execution: its limits and deadline, its pending stop, its state on Flink, its savepoints. */
  async followUp(executionId: string, current?: Execution): Promise<void> {
    let execution = current ?? (await this.executions.findById(executionId));
    if (!execution || isTerminal(execution.status)) {
      this.lastContact.delete(executionId);
      return;
    }
    if (!mayBeOnFlink(execution) || execution.status === 'SUBMITTING') return;
    try {
      execution = await this.stops.enforceLimits(execution);
      if (!execution) return;
      execution = await this.scheduledRuns.checkDeadline(execution);
      if (!execution) return;
      if (execution.status === 'STOPPING') {
        execution = await this.stops.advance(execution);
        if (!execution) return;
      }
      const state = await this.flink.jobState(execution.flinkJobId);
      this.lastContact.set(executionId, this.clock.now().getTime());
      // The run's savepoints are settled before the run ends: until then, a restart asks Flink about them again.
      await this.savepoints.followUp(execution, state.kind !== 'running' && state.kind !== 'transient');
      if (await this.settle(execution, state)) {
        this.lastContact.delete(executionId);
        if (state.kind === 'canceled' || state.kind === 'failed') await this.savepoints.recordRetained(execution, this.clock.now());
      }
    } catch (error) {
      const failure = executionErrorOf(error);
      if (failure.code !== 'FLINK_UNREACHABLE') throw error;
      // The JobManager may be restarting: keep following, unless it stays away past the grace period.
      const since = this.lastContact.get(executionId) ?? this.clock.now().getTime();
      this.lastContact.set(executionId, since);
      if (this.clock.now().getTime() - since >= this.settings.unreachableGraceMs) {
        await this.ending.fail(executionId, failure);
        this.lastContact.delete(executionId);
      }
    }
  }

  /** Records the end Flink reports, if it reports one; resolves with whether the execution ended. */
  private async settle(execution: Execution, state: FlinkJobState): Promise<boolean> {
    const stop = execution.stopRequest;
    switch (state.kind) {
      case 'running':
      case 'transient':
        return false;
      case 'finished':
        if (stop?.reason === 'timeout') return this.endTimedOut(execution);
        // A stop-with-savepoint ends the Flink job FINISHED: that is our STOPPED.
        if (stop) return this.endStopped(execution);
        return this.ending.end(execution, 'SUCCEEDED');
      case 'canceled':
        if (stop?.reason === 'timeout') return this.endTimedOut(execution);
        if (stop) return this.ending.end(execution, 'STOPPED');
        return this.ending.end(execution, 'FAILED', {
          error: { code: 'FLINK_JOB_CANCELLED', message: 'The Flink job was cancelled outside this service' },
        });
      case 'failed': {
        const cause = await this.flink.failureCause(execution.flinkJobId).catch(() => 'Flink reported no cause');
        if (stop?.savepointTriggerId) return this.endSavepointFailed(execution, stop.savepointTriggerId, cause);
        return this.ending.end(execution, 'FAILED', { error: { code: 'FLINK_JOB_FAILED', message: cause } });
      }
      case 'not-found':
        if (stop) return this.ending.end(execution, 'STOPPED', { detail: 'the Flink job is gone' });
        return this.ending.end(execution, 'FAILED', {
          error: {
            code: 'FLINK_JOB_LOST',
            message: `Flink no longer knows job ${execution.flinkJobId} (was the JobManager restarted?)`,
          },
        });
    }
  }

  /** Ends a stopped execution with the savepoint it took, asking Flink once more if it finished unseen. */
  private async endStopped(execution: Execution): Promise<boolean> {
    const triggerId = execution.stopRequest?.savepointTriggerId;
    let savepointPath = execution.savepointPath ?? undefined;
    if (triggerId && !savepointPath) {
      const status = await this.flink.savepointStatus(execution.flinkJobId, triggerId);
      if (status.kind === 'completed') savepointPath = status.location;
    }
    return this.ending.end(execution, 'STOPPED', { savepointPath, detail: savepointPath && `savepoint ${savepointPath}` });
  }

  /**
   * A job that failed while its stop-with-savepoint was under way: the savepoint attempt brought it down (an
   * operator that cannot be snapshotted, with no restart strategy). The savepoint's own cause says why; it is not
   * a failure of the job's work, so the run says so (SAVEPOINT_FAILED, never retried) rather than FLINK_JOB_FAILED.
   */
  private async endSavepointFailed(execution: Execution, triggerId: string, jobCause: string): Promise<boolean> {
    const savepoint = await this.flink.savepointStatus(execution.flinkJobId, triggerId).catch(() => undefined);
    const cause = savepoint?.kind === 'failed' ? savepoint.cause : jobCause;
    return this.ending.end(execution, 'FAILED', {
      error: { code: 'SAVEPOINT_FAILED', message: `The stop's savepoint failed and the job went down with it: ${cause}` },
    });
  }

  private endTimedOut(execution: Execution): Promise<boolean> {
    return this.ending.end(execution, 'FAILED', {
      error: { code: 'TIMEOUT', message: 'The run exceeded its timeoutSeconds and was stopped' },
    });
  }
}
