import type { Job } from '../../entities/job.js';
import type { Schedule } from '../../entities/schedule.js';
import type { ExecutionSummary } from './execution-repository.js';
import type { JobQuery } from './job-repository.js';

/** A live job as stored, with what is shown beside it. */
export interface StoredJobView {
  job: Job;
  /** Its newest execution that is not SKIPPED (a skipped tick is counted on the schedule instead). */
  lastExecution: ExecutionSummary | null;
  schedule: Schedule | null;
}

/** Reads jobs for showing them: each read, of one job or of a page, is one statement. */
export interface JobViewReader {
  /** The live job `id` with its last execution and schedule; undefined when there is no such live job. */
  findView(id: string): Promise<StoredJobView | undefined>;
  /** Live jobs as `JobRepository.list` finds and orders them, each with its last execution and schedule. */
  listViews(query: JobQuery): Promise<StoredJobView[]>;
}
