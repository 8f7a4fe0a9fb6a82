import type { Job, JobDefinition } from './job.js';

/** One definition a job had, kept when a create, replace or rollback stored it. */
export interface JobVersion {
  jobId: string;
  version: number;
  definition: JobDefinition;
  createdAt: Date;
  /** Who stored it (the API key's name, as audit rows record it); null where it is not known. */
  changedBy: string | null;
}

/** The job's definition alone: what a user wrote, without what the server assigns. */
export function definitionOf(job: Job): JobDefinition {
  return {
    name: job.name,
    description: job.description,
    jarURL: job.jarURL,
    entryClass: job.entryClass,
    config: job.config,
    args: job.args,
    parallelism: job.parallelism,
    flinkConfiguration: job.flinkConfiguration,
    jarSha256: job.jarSha256,
    timeoutSeconds: job.timeoutSeconds,
    labels: job.labels,
    retryPolicy: job.retryPolicy,
    restore: job.restore,
    allowNonRestoredState: job.allowNonRestoredState,
    claimMode: job.claimMode,
    savepointPolicy: job.savepointPolicy,
  };
}

/** The version row of a job as just written. */
export function versionOf(job: Job, changedBy: string | null): JobVersion {
  return { jobId: job.id, version: job.version, definition: definitionOf(job), createdAt: job.updatedAt, changedBy };
}

/** `job` with the definition of one of its versions: what a run created at that version runs. */
export function jobAtVersion(job: Job, version: JobVersion): Job {
  return { ...job, ...version.definition, version: version.version };
}
