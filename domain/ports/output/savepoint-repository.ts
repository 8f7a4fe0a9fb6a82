import type { Savepoint, SavepointStatusName } from '../../entities/savepoint.js';

export interface SavepointPageRequest {
  limit: number;
  /** The last savepoint of the page before. */
  after?: { createdAt: Date; id: string };
}

/** What a settled savepoint changes to. */
export interface SavepointSettlement {
  status: Exclude<SavepointStatusName, 'PENDING'>;
  path?: string | null;
  error?: string | null;
  completedAt?: Date | null;
}

export interface SavepointRepository {
  insert(savepoint: Savepoint): Promise<void>;
  /**
   * Stores a PERIODIC savepoint unless the job already has one for the same due time: one statement, so of two
   * replicas due at once exactly one gets true.
   */
  claimPeriodic(savepoint: Savepoint): Promise<boolean>;
  findById(id: string): Promise<Savepoint | undefined>;
  /** A job's savepoints, newest first, keyset paged. */
  listForJob(jobId: string, page: SavepointPageRequest): Promise<Savepoint[]>;
  /** The execution's PENDING savepoints, oldest first. */
  findPendingForExecution(executionId: string): Promise<Savepoint[]>;
  /** The job's COMPLETED savepoints. */
  findCompletedForJob(jobId: string): Promise<Savepoint[]>;
  /** The due time of the job's latest PERIODIC savepoint, or null. */
  latestPeriodicDue(jobId: string): Promise<Date | null>;
  setTriggerId(id: string, triggerId: string): Promise<void>;
  /** Moves a savepoint out of `from`; resolves with it as changed, undefined when it was not in `from` (anymore). */
  settle(id: string, from: SavepointStatusName, change: SavepointSettlement): Promise<Savepoint | undefined>;
}
