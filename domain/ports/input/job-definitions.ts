import type { AuditContext } from '../../entities/audit.js';
import type { Job, JobDefinition } from '../../entities/job.js';
import type { JobCursor } from '../output/job-repository.js';

export interface ListJobsRequest {
  limit: number;
  after?: JobCursor;
  labels?: Record<string, string>;
  namePrefix?: string;
}

export interface JobPage {
  jobs: Job[];
  /** Where the next page starts, or undefined on the last page. */
  next?: JobCursor;
}

/** Storing and reading job definitions. A change is recorded in the audit trail, in the same transaction. */
export interface JobDefinitions {
  createJob(definition: JobDefinition, audit: AuditContext): Promise<Job>;
  getJob(id: string): Promise<Job>;
  listJobs(request: ListJobsRequest): Promise<JobPage>;
  /** Replaces the definition; with `expectedVersion`, only if the job is still at that version. */
  replaceJob(id: string, definition: JobDefinition, audit: AuditContext, expectedVersion?: number): Promise<Job>;
  deleteJob(id: string, audit: AuditContext): Promise<void>;
}
