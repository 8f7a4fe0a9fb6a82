import type { Execution } from '../../entities/execution.js';

/**
 * Starting executions the scheduler produced: the ticks a claim just stored, and the executions that wait in the
 * queue (retries after their back-off, ticks buffered behind an active execution).
 */
export interface QueuedExecutions {
  /** Launches the PENDING ones among executions a claim of due ticks just stored; never rejects. */
  startFired(fired: Execution[]): Promise<void>;
  /** Starts every QUEUED execution whose time has come and whose job has room; resolves with the ones started. */
  startDue(): Promise<Execution[]>;
}
