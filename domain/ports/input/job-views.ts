import type { Job } from '../../entities/job.js';
import type { ExecutionSummary } from '../output/execution-repository.js';
import type { JobCursor } from '../output/job-repository.js';
import type { ListJobsRequest } from './job-definitions.js';
import type { ScheduleView } from './job-schedules.js';

/** A job as the API shows it: with its newest execution (not SKIPPED) and its schedule. */
export interface JobView {
  job: Job;
  lastExecution: ExecutionSummary | null;
  schedule: ScheduleView | null;
}

export interface JobViewPage {
  jobs: JobView[];
  /** Where the next page starts, or undefined on the last page. */
  next?: JobCursor;
}

/** Reading jobs with their last execution and schedule, one database round trip per read. */
export interface JobViews {
  /** JobNotFoundError for a malformed id, an unknown one, or a deleted job. */
  getJobView(id: string): Promise<JobView>;
  listJobViews(request: ListJobsRequest): Promise<JobViewPage>;
}
