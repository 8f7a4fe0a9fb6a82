import type { Execution, ExecutionStatus, ExecutionTrigger } from '../../entities/execution.js';
import type { Schedule } from '../../entities/schedule.js';
import type { ExecutionCursor } from './execution-repository.js';

/** Which runs of all jobs a page lists, newest first; every filter given must hold. */
export interface RunSearch {
  /** Any of these statuses; empty for all. */
  statuses: ExecutionStatus[];
  trigger?: ExecutionTrigger;
  jobId?: string;
  /** The run's job carries all of these labels. */
  labels: Record<string, string>;
  /** Created at or after it. */
  since?: Date;
  /** Created before it. */
  until?: Date;
  limit: number;
  after?: ExecutionCursor;
}

/** A schedule that fires soon, with the name of its job. */
export interface UpcomingSchedule {
  jobName: string;
  schedule: Schedule;
}

/** The counts of the summary, as stored at one moment. */
export interface StoredSummary {
  jobs: number;
  schedules: { active: number; paused: number; ended: number };
  /** Runs created since the time asked for, by status; a status without runs may be left out. */
  runsByStatus: Partial<Record<ExecutionStatus, number>>;
}

/** Reads runs across jobs and the service's totals: each page and each part of the summary is one statement. */
export interface RunOverviewReader {
  searchRuns(search: RunSearch): Promise<Execution[]>;
  /**
   * Counts at `now`: live jobs; schedules ended (no tick left, or `endAt` passed), else paused, else active; runs
   * created at or after `runsSince`.
   */
  countAll(now: Date, runsSince: Date): Promise<StoredSummary>;
  /** Unpaused schedules with a tick left, the `limit` whose next tick (`nextFireAt`) comes first. */
  soonestSchedules(limit: number): Promise<UpcomingSchedule[]>;
}
