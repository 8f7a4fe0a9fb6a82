import type { AuditEvent } from '../../entities/audit.js';
import type { Execution, ExecutionStatus } from '../../entities/execution.js';
import type { JobWithSchedule } from './job-repository.js';

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

/** An active run this instance drives, as its lease round needs it: what its next step is. */
export interface HeldExecution {
  id: string;
  status: ExecutionStatus;
  createdAt: Date;
  /** It reached SUBMITTING once (see `mayBeOnFlink`). */
  mayBeOnFlink: boolean;
}

export interface ExecutionRepository {
  /**
   * Stores a new execution, driven by this instance (see `renewLeases`). Throws JobAlreadyRunningError (naming
   * the active run) when `exclusive` and the job already has an active execution: the database decides, so two
   * concurrent starts cannot both win. Throws ExecutionAlreadyRetriedError when the run it retries already has a
   * retry. With `audit`, the audit row of the request that asked for the run is stored with it, by the same write:
   * both or neither (a refused run stores no audit row), with no transaction needed around it. With `asRead`, the
   * run is stored only if its job is still live at the version read and its schedule still gives a start what it did
   * (the same cron, time zone and overlap policy, or still no schedule): false when not, with nothing stored; true
   * when stored.
   */
  insert(execution: Execution, options: { exclusive: boolean; audit?: AuditEvent; asRead?: JobWithSchedule }): Promise<boolean>;
  /**
   * Writes `execution` if the stored row is still at `execution.revision`; the stored revision becomes
   * revision + 1. Returns the saved execution, or undefined if someone else saved first. Throws
   * JobAlreadyRunningError when the write would make an exclusive run active beside another (a QUEUED run that
   * may not start yet). With `endFailureStreak`, for a scheduled run that succeeded: its schedule's failures in a
   * row end in the same write (as ScheduleRepository.endFailureStreak does), only if the run was saved.
   */
  save(execution: Execution, options?: { endFailureStreak?: boolean }): Promise<Execution | undefined>;
  /**
   * Saves `ended` as `save` does and, in the same transaction, stores `retry`, the run that tries it again, as
   * exclusive as `ended` was. Undefined, with nothing stored, if someone else saved `ended` first.
   */
  saveWithRetry(ended: Execution, retry: Execution): Promise<Execution | undefined>;
  /** QUEUED runs, oldest first. */
  findQueued(limit: number): Promise<Execution[]>;
  findQueuedForJob(jobId: string): Promise<Execution[]>;
  /** The run that retries `executionId`, if there is one. */
  findRetryOf(executionId: string): Promise<Execution | undefined>;
  /**
   * Leases: each active run is driven by one instance at a time, the one that stored it or started it from the
   * queue. Extends this instance's leases on its active runs and takes over (up to `limit`) active runs whose
   * lease ran out (their instance died, or stopped). Resolves with both, oldest first: the runs held as what the
   * lease round needs of them (an instance may hold tens of thousands), the runs taken over whole.
   */
  renewLeases(limit: number): Promise<{ held: HeldExecution[]; takenOver: Execution[] }>;
  /** Gives up this instance's leases (at shutdown), so that another instance takes its runs over at once. */
  releaseLeases(): Promise<void>;
  findById(id: string): Promise<Execution | undefined>;
  list(query: ExecutionQuery): Promise<Execution[]>;
  findActiveForJob(jobId: string): Promise<Execution[]>;
  /** The savepoint taken most recently by any run of the job, if one was. */
  latestSavepoint(jobId: string): Promise<string | undefined>;
  /** The newest execution of each given job that is not SKIPPED. */
  latestForJobs(jobIds: string[]): Promise<Map<string, ExecutionSummary>>;
}
