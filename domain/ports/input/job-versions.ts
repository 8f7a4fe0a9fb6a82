import type { AuditContext } from '../../entities/audit.js';
import type { Job } from '../../entities/job.js';
import type { JobVersion } from '../../entities/job-version.js';

export interface JobVersionPage {
  versions: JobVersion[];
  /** The version the next page continues below, or undefined on the last page. */
  next?: number;
}

/** The definitions a job had, and going back to one of them. */
export interface JobVersions {
  /** Newest first; throws JobNotFoundError for a job that is not live. */
  listVersions(jobId: string, request: { limit: number; before?: number }): Promise<JobVersionPage>;
  /** Throws JobNotFoundError, or JobVersionNotFoundError for a version the job never had. */
  getVersion(jobId: string, version: number): Promise<JobVersion>;
  /**
   * Stores version `version`'s definition as the job's next version (current + 1), audited and announced as a
   * replace is; with `expectedVersion`, only if the job is still at that version. Runs keep the version they have.
   */
  rollbackJob(jobId: string, version: number, audit: AuditContext, expectedVersion?: number): Promise<Job>;
}
