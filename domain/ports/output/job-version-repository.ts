import type { JobVersion } from '../../entities/job-version.js';

export interface JobVersionQuery {
  limit: number;
  /** Only versions below this one: where the next page of a newest-first listing starts. */
  before?: number;
}

/** Every definition each job had. Rows are never changed; they go when their job is deleted. */
export interface JobVersionRepository {
  /** Stores a new version; run it in the transaction of the change that made it. */
  append(version: JobVersion): Promise<void>;
  find(jobId: string, version: number): Promise<JobVersion | undefined>;
  /** The job's versions, newest first, at most `query.limit`. */
  list(jobId: string, query: JobVersionQuery): Promise<JobVersion[]>;
}
