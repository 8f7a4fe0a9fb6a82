import type { Job } from '../../entities/job.js';
import type { Schedule } from '../../entities/schedule.js';

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

/** A live job with its schedule (null: it has none), as read together at one moment. */
export interface JobWithSchedule {
  job: Job;
  schedule: Schedule | null;
}

export interface JobRepository {
  /** Stores a new job. Throws JobNameTakenError when a live job already has its name. */
  insert(job: Job): Promise<void>;
  /** The live job `id`; a deleted one is not found. */
  findById(id: string): Promise<Job | undefined>;
  /** The live jobs among `ids`, by id, read together: the jobs of a claim's runs, for their launches. */
  findMany(ids: string[]): Promise<Map<string, Job>>;
  /** The live job `id` with its schedule (null: it has none), read together: what a start needs. */
  findWithSchedule(id: string): Promise<JobWithSchedule | undefined>;
  /** Whether job `id` was ever stored, deleted since or not: a deleted job's runs stay readable. */
  everExisted(id: string): Promise<boolean>;
  /** Jobs in (name, id) order, at most `query.limit`. */
  list(query: JobQuery): Promise<Job[]>;
  /**
   * Reads the live job `id` and writes `change(current)` in its place, with no other writer of that job in
   * between, and returns what was written; undefined when there is no such live job. `change` may throw to write
   * nothing. Throws JobNameTakenError when the new name belongs to another live job.
   */
  update(id: string, change: (current: Job) => Job): Promise<Job | undefined>;
  /**
   * Removes the job from the live set, with its schedule and its versions (its runs stay queryable). False if it was
   * not there.
   */
  remove(id: string, at: Date): Promise<boolean>;
}
