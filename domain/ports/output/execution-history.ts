import type { RemovableRuns, RetentionRule } from '../../entities/execution-retention.js';

/** One batch of the retention sweep: how many rows it removed, and the job to go on after (null: the last). */
export interface SweptBatch {
  removed: number;
  nextJobId: string | null;
}

/** Removing finished runs by the rules of execution-retention.ts. */
export interface ExecutionHistory {
  /**
   * Removes up to `limit` runs past `rule` (by age across all jobs, then by count among the jobs after
   * `afterJobId`) and deleted jobs left without runs. One replica sweeps at a time: resolves with null, removing
   * nothing, while another holds the sweep.
   */
  sweepBatch(rule: RetentionRule, limit: number, afterJobId: string | null): Promise<SweptBatch | null>;
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
