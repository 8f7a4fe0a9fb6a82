import { isEntityId } from '../entities/ids.js';
import type { Job } from '../entities/job.js';
import { JobNotFoundError } from '../errors.js';
import type { JobRepository, JobWithSchedule } from '../ports/output/job-repository.js';

/** The live job with this id; JobNotFoundError for a malformed id, an unknown one, or a deleted job. */
export async function requireLiveJob(jobs: JobRepository, id: string): Promise<Job> {
  const job = isEntityId(id) ? await jobs.findById(id) : undefined;
  if (!job) throw new JobNotFoundError(id);
  return job;
}

/** `requireLiveJob`, with the job's schedule (null: it has none) read in the same go. */
export async function requireLiveJobWithSchedule(jobs: JobRepository, id: string): Promise<JobWithSchedule> {
  const found = isEntityId(id) ? await jobs.findWithSchedule(id) : undefined;
  if (!found) throw new JobNotFoundError(id);
  return found;
}
