import type { RemovableRuns } from '../../entities/execution-retention.js';

/** A run's place in the (created_at, id) order the age sweep walks. */
export interface RunPosition {
  createdAt: Date;
  id: string;
}

/** One batch of the retention sweep: how many rows it removed, and where the next batch goes on (null: done). */
export interface SweptBatch<Position> {
  removed: number;
  next: Position | null;
}

/**
 * Removing finished runs by the rules of execution-retention.ts. One replica sweeps at a time: each sweep batch
 * resolves with null, removing nothing, while another replica holds the sweep.
 */
export interface ExecutionHistory {
  /** Looks at up to `limit` runs created before `before`, oldest first after `after`, and removes those that may go. */
  sweepOldRuns(before: Date, limit: number, after: RunPosition | null): Promise<SweptBatch<RunPosition> | null>;
  /** Removes up to `limit` runs past each job's newest `keepPerJob`, for a few jobs after `afterJobId`. */
  sweepRunsPastCount(keepPerJob: number, limit: number, afterJobId: string | null): Promise<SweptBatch<string> | null>;
  /** Removes up to `limit` jobs deleted before `before` that have no run left; resolves with how many. */
  sweepDeletedJobs(before: Date, limit: number): Promise<number | null>;
  /**
   * Hands the space of removed runs back for new ones and refreshes the planner's statistics (VACUUM ANALYZE):
   * embedded PGlite runs no autovacuum, and a server's may be off or behind a sweep of every-second schedules.
   */
  reclaimSpace(): Promise<void>;
  /** How many runs `runs` names that may be removed. */
  countRemovable(runs: RemovableRuns): Promise<number>;
  /** Removes the runs `runs` names that may be removed; resolves with how many. */
  removeRemovable(runs: RemovableRuns): Promise<number>;
}
