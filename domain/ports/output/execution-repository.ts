import type { Execution, ExecutionStatus } from '../../entities/execution.js';

/** Position after which a page of executions starts: newest first, by creation time, then id. */
export interface ExecutionCursor {
  createdAt: Date;
  id: string;
}

export interface ExecutionQuery {
  jobId: string;
  limit: number;
  after?: ExecutionCursor;
  status?: ExecutionStatus;
}

export interface ExecutionSummary {
  id: string;
  status: ExecutionStatus;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface ExecutionRepository {
  /**
   * Stores a new execution. Throws JobAlreadyRunningError (naming the active run) when `exclusive` and the job
   * already has an active execution: the database decides, so two concurrent starts cannot both win.
   */
  insert(execution: Execution, options: { exclusive: boolean }): Promise<void>;
  /**
   * Writes `execution` if the stored row is still at `execution.revision`; the stored revision becomes
   * revision + 1. Returns the saved execution, or undefined if someone else saved first.
   */
  save(execution: Execution): Promise<Execution | undefined>;
  findById(id: string): Promise<Execution | undefined>;
  list(query: ExecutionQuery): Promise<Execution[]>;
  /** Every execution not yet in a terminal status, oldest first. */
  findActive(): Promise<Execution[]>;
  findActiveForJob(jobId: string): Promise<Execution[]>;
  /** The savepoint taken most recently by any run of the job, if one was. */
  latestSavepoint(jobId: string): Promise<string | undefined>;
  /** The newest execution of each given job. */
  latestForJobs(jobIds: string[]): Promise<Map<string, ExecutionSummary>>;
}
