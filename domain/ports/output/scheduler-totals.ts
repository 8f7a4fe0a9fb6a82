import type { ExecutionStatus, ExecutionTrigger } from '../../entities/execution.js';

/** How many runs ended with one status, from one trigger; SKIPPED ticks also by the reason they were skipped. */
export interface EndedRuns {
  status: ExecutionStatus;
  trigger: ExecutionTrigger;
  /** The skip reason (the execution's error code, e.g. OVERLAP) for SKIPPED; null otherwise. */
  reason: string | null;
  count: number;
}

/** Totals over everything stored: the same on every replica that reads the same database. */
export interface SchedulerTotals {
  /** Runs in a terminal status. Rows are kept (a deleted job keeps its runs), so each count only grows. */
  ended: EndedRuns[];
  /** Runs in an active status (PENDING to STOPPING); QUEUED runs are waiting, not active. */
  active: number;
  /** The sum of the schedules' missed ticks; it drops when a schedule is deleted. */
  ticksMissed: number;
  /**
   * When the oldest committed event that readers of the feed cannot see yet happened: it waits behind a transaction
   * that began before its own and is still open. Null when every committed event is visible.
   */
  oldestHeldBackEventAt: Date | null;
  /** Webhook deliveries not done yet (waiting for an attempt or a retry), and those given up on (dead letters). */
  deliveries: { waiting: number; dead: number };
}

/** Reads the totals metrics report, at the moment they are asked for. */
export interface SchedulerTotalsSource {
  read(): Promise<SchedulerTotals>;
}
