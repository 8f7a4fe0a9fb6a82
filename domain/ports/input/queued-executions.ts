import type { Execution } from '../../entities/execution.js';

/** Starting runs that wait in the queue: retries after their back-off, ticks buffered behind an active run. */
export interface QueuedExecutions {
  /** Starts every QUEUED run whose time has come and whose job has room; resolves with the runs started. */
  startDue(): Promise<Execution[]>;
}
