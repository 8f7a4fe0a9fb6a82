import type { JobRepository, JobWithSchedule } from '../../ports/output/job-repository.js';
import { requireLiveJobWithSchedule } from '../live-job.js';

/**
 * The jobs this process started runs of lately, with their schedules, as it last read them. A start of one of them
 * stores its run on condition that both are still as read (`ExecutionRepository.insert`'s `asRead`), so nothing
 * here needs telling of changes, made by this process or another: a start that finds its job changed reads it again.
 * The least recently used go first past `capacity`.
 */
export class KnownJobs {
  private readonly entries = new Map<string, JobWithSchedule>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly capacity = 1_000,
  ) {}

  /** The live job `jobId` as known; read now when it is not known, or when `fresh`. JobNotFoundError: not live. */
  async find(jobId: string, options: { fresh?: boolean } = {}): Promise<JobWithSchedule> {
    const known = this.entries.get(jobId);
    this.entries.delete(jobId);
    const found = (!options.fresh && known) || (await requireLiveJobWithSchedule(this.jobs, jobId));
    // Insertion order is the order of use: the first entry is the least recently used.
    this.entries.set(jobId, found);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return found;
  }
}
