import type { Job } from '../../entities/job.js';

/** Position after which a page of jobs starts: jobs are ordered by name, then id. */
export interface JobCursor {
  name: string;
  id: string;
}

export interface JobQuery {
  limit: number;
  after?: JobCursor;
  /** Every pair must be among the job's labels. */
  labels?: Record<string, string>;
  namePrefix?: string;
}

export interface JobRepository {
  /** Stores a new job. Throws JobNameTakenError when a live job already has its name. */
  insert(job: Job): Promise<void>;
  findById(id: string): Promise<Job | undefined>;
  /** Jobs in (name, id) order, at most `query.limit`. */
  list(query: JobQuery): Promise<Job[]>;
  /**
   * Writes `job` over the stored row if that row is still at `job.version - 1`.
   * Returns false when the job is gone or was changed meanwhile; throws JobNameTakenError on a name clash.
   */
  replace(job: Job): Promise<boolean>;
  /** Removes the job from the live set, with its schedule (its runs stay queryable). False if it was not there. */
  remove(id: string, at: Date): Promise<boolean>;
}
