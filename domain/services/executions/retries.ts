import { retryExecution, type Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import { retryDelayMs, shouldRetry } from '../../entities/retry-policy.js';
import {
  ExecutionAlreadyRetriedError,
  ExecutionNotFailedError,
  ExecutionNotFoundError,
  JobNotFoundError,
} from '../../errors.js';
import { isEntityId } from '../../entities/ids.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { JobRepository } from '../../ports/output/job-repository.js';

/**
 * Trying failed executions again: automatically, when the job's retry policy asks for it (the retry waits QUEUED
 * for its back-off), or at once, when a user asks. A retry is the next attempt of the same tick.
 */
export class ExecutionRetries {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The execution that tries `failed` again after its back-off, if the job's retry policy asks for one. */
  async afterFailure(failed: Execution): Promise<Execution | undefined> {
    const job = await this.jobs.findById(failed.jobId);
    if (!job || !shouldRetry(job.retryPolicy, failed.attempt, failed.error?.code ?? null)) return undefined;
    const now = this.clock.now();
    const notBefore = new Date(now.getTime() + retryDelayMs(job.retryPolicy, failed.attempt));
    return retryExecution(failed, { id: this.ids.newId(), now, notBefore, ...pickedAtLaunch(job) });
  }

  /**
   * The execution that tries FAILED `executionId` again now, whatever the retry policy says, and its job; not
   * stored yet. ExecutionNotFailedError when it did not fail, ExecutionAlreadyRetriedError when it has a retry.
   */
  async retryNow(executionId: string, requestedBy: string): Promise<{ retry: Execution; job: Job }> {
    const failed = isEntityId(executionId) ? await this.executions.findById(executionId) : undefined;
    if (!failed) throw new ExecutionNotFoundError(executionId);
    if (failed.status !== 'FAILED') throw new ExecutionNotFailedError(executionId, failed.status);
    const existing = await this.executions.findRetryOf(executionId);
    if (existing) throw new ExecutionAlreadyRetriedError(executionId, existing.id);
    const job = await this.jobs.findById(failed.jobId);
    if (!job) throw new JobNotFoundError(failed.jobId);
    const retry = retryExecution(failed, {
      id: this.ids.newId(),
      now: this.clock.now(),
      notBefore: null,
      requestedBy,
      ...pickedAtLaunch(job),
    });
    return { retry, job };
  }
}

/**
 * A job with a restore strategy: its retry picks its state by it when it launches (the newest by then), not now.
 * Without one, the retry restores from what the run it retries restored from.
 */
function pickedAtLaunch(job: Job): { restoredFrom?: null } {
  return job.restore ? { restoredFrom: null } : {};
}
