import type { Upgrade } from '../../entities/upgrade.js';

export interface UpgradePageRequest {
  limit: number;
  /** The last upgrade of the page before. */
  after?: { createdAt: Date; id: string };
}

/** Upgrades of running jobs to a new version, with the state each has reached. */
export interface UpgradeRepository {
  /** Stores a new upgrade. Throws UpgradeInProgressError when the job has one in progress already (the database decides). */
  insert(upgrade: Upgrade): Promise<void>;
  findById(id: string): Promise<Upgrade | undefined>;
  /** The job's upgrade in progress, if there is one. */
  findInProgressForJob(jobId: string): Promise<Upgrade | undefined>;
  /** A job's upgrades, newest first, keyset paged. */
  listForJob(jobId: string, page: UpgradePageRequest): Promise<Upgrade[]>;
  /**
   * Locks the upgrade in progress that was advanced longest ago, other than `skip`, that no other transaction holds
   * (SKIP LOCKED): each upgrade advances on one instance at a time, and one that died holding it lets go with its
   * connection. Only inside a transaction, which holds the lock until it ends.
   */
  lockNextInProgress(skip: string[]): Promise<Upgrade | undefined>;
  /** Writes the upgrade's state and what it recorded; `updatedAt` comes with it. */
  save(upgrade: Upgrade): Promise<void>;
}
