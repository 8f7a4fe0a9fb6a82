import type { AuditContext } from '../../entities/audit.js';
import type { Execution, ExecutionStatus, StopMode } from '../../entities/execution.js';
import type { ClaimMode, RestoreStrategy } from '../../entities/restore.js';
import type { ExecutionCursor, ExecutionSummary } from '../output/execution-repository.js';

export interface StartOptions {
  /** Where this run takes its state from, instead of the job's `restore`. */
  restore?: RestoreStrategy;
  /** The older spelling of `restore: { savepointPath }`. */
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  claimMode?: ClaimMode;
  /** The older spelling of `restore: 'latest-savepoint'`, except that finding none is refused (NoSavepointError). */
  fromLastSavepoint?: boolean;
  /** The instant the run is for (default: the start time): placeholders resolve against it. */
  scheduledFor?: Date;
}

export interface StopOptions {
  mode?: StopMode;
  drain?: boolean;
}

export interface ExecutionPage {
  executions: Execution[];
  next?: ExecutionCursor;
}

/** Running stored jobs on Flink and reading the history of their runs. */
export interface JobExecutions {
  startJob(jobId: string, options: StartOptions, audit: AuditContext): Promise<Execution>;
  /** Stops the job's active run, and drops its queued ones (a stop of only queued runs returns the last). */
  stopJob(jobId: string, options: StopOptions, audit: AuditContext): Promise<Execution>;
  /**
   * Tries a FAILED run again at once, as a new run with trigger `retry`, the next attempt and the same tick.
   * ExecutionNotFailedError when it did not fail, ExecutionAlreadyRetriedError when it already has a retry.
   */
  retryExecution(executionId: string, audit: AuditContext): Promise<Execution>;
  getExecution(executionId: string): Promise<Execution>;
  listExecutions(
    jobId: string,
    query: { limit: number; after?: ExecutionCursor; status?: ExecutionStatus },
  ): Promise<ExecutionPage>;
  /** The newest run of each job, for showing jobs with their last run. */
  lastExecutions(jobIds: string[]): Promise<Map<string, ExecutionSummary>>;
}
