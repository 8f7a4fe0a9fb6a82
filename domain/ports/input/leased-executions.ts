import type { Execution } from '../../entities/execution.js';

/** Driving the executions this instance holds a lease on; a background loop calls it every poll. */
export interface LeasedExecutions {
  /**
   * Renews this instance's leases, takes over executions whose lease ran out, and moves each held execution a
   * step on (its launch resumed, or a follow-up on Flink). Resolves with the executions taken over.
   */
  renew(): Promise<Execution[]>;
  /** Gives the leases up (at shutdown), so that another instance takes the executions over at once. */
  release(): Promise<void>;
}
