import {
  isTerminal,
  mayBeOnFlink,
  transition,
  type Execution,
  type ExecutionError,
} from '../../entities/execution.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { ExecutionRetries } from './retries.js';
import type { ScheduledRunOutcomes } from './scheduled-run-outcomes.js';

export type EndStatus = 'SUCCEEDED' | 'FAILED' | 'STOPPED';

/**
 * Records how an execution ended. A failure the job's retry policy retries is saved together with its QUEUED
 * retry, in one transaction, and a scheduled run tells its schedule in that transaction too (see
 * ScheduledRunOutcomes). Saves race with other writers (a stop, another instance): each one is based on the revision
 * it read, and a lost race reads the execution again.
 */
export class ExecutionEnding {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly retries: ExecutionRetries,
    private readonly clock: Clock,
    private readonly scheduledRuns: ScheduledRunOutcomes,
  ) {}

  /** Resolves with whether this call ended it (false: it had ended already, or is gone). */
  async end(
    execution: Execution,
    to: EndStatus,
    changes: { detail?: string; error?: ExecutionError; savepointPath?: string } = {},
  ): Promise<boolean> {
    let current: Execution | undefined = execution;
    while (current && !isTerminal(current.status)) {
      const ended = this.scheduledRuns.withDeadlineChecked(transition(current, to, this.clock.now(), changes));
      const retry = to === 'FAILED' ? await this.retries.afterFailure(ended) : undefined;
      const saved = await this.scheduledRuns.saveEnd(current, ended, retry !== undefined, (executions, options) =>
        retry ? executions.saveWithRetry(ended, retry) : executions.save(ended, options),
      );
      if (saved) return true;
      current = await this.executions.findById(execution.id);
    }
    return false;
  }

  /** Ends the execution FAILED with `error`, unless it was asked to stop before Flink got it: then it is STOPPED. */
  async fail(executionId: string, error: ExecutionError): Promise<boolean> {
    const current = await this.executions.findById(executionId);
    if (!current || isTerminal(current.status)) return false;
    if (current.status === 'STOPPING' && current.stopRequest?.reason !== 'timeout' && !mayBeOnFlink(current)) {
      return this.end(current, 'STOPPED', { detail: 'stopped before submission' });
    }
    return this.end(current, 'FAILED', { error });
  }
}
