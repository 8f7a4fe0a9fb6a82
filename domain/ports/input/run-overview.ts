import type { ExecutionStatus } from '../../entities/execution.js';
import type { RunSearch, StoredSummary } from '../output/run-overview-reader.js';
import type { ExecutionPage } from './job-executions.js';

/** A tick still to come: when a job's schedule fires next. */
export interface UpcomingTick {
  jobId: string;
  jobName: string;
  at: Date;
}

export interface ServiceSummary extends Omit<StoredSummary, 'runsByStatus'> {
  /** Runs created in the last 24 hours, by status (every status, 0 included). */
  runsLast24Hours: Record<ExecutionStatus, number>;
  /** The next ticks across all schedules, soonest first. */
  nextTicks: UpcomingTick[];
}

/** Runs of all jobs in one view, and the service at a glance. */
export interface RunOverview {
  listRuns(search: RunSearch): Promise<ExecutionPage>;
  summary(): Promise<ServiceSummary>;
}
