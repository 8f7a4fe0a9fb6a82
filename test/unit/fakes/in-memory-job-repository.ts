import type { Job } from '../../../domain/entities/job.js';
import { JobNameTakenError } from '../../../domain/errors.js';
import type { JobQuery, JobRepository, JobWithSchedule } from '../../../domain/ports/output/job-repository.js';
import type { ScheduleRepository } from '../../../domain/ports/output/schedule-repository.js';

/** The JobRepository contract in memory, for domain tests. Byte-order names, like the real one. */
export class InMemoryJobRepository implements JobRepository {
  readonly rows = new Map<string, Job & { deletedAt?: Date }>();

  /** `schedules`: where `findWithSchedule` finds a job's schedule (a test that starts runs gives them). */
  constructor(private readonly schedules?: Pick<ScheduleRepository, 'find'>) {}

  private live(): Job[] {
    return [...this.rows.values()].filter((job) => !job.deletedAt);
  }

  async insert(job: Job): Promise<void> {
    if (this.live().some((other) => other.name === job.name)) throw new JobNameTakenError(job.name);
    this.rows.set(job.id, structuredClone(job));
  }

  async findById(id: string): Promise<Job | undefined> {
    const job = this.rows.get(id);
    return job && !job.deletedAt ? structuredClone(job) : undefined;
  }

  async findMany(ids: string[]): Promise<Map<string, Job>> {
    const found = new Map<string, Job>();
    for (const id of ids) {
      const job = await this.findById(id);
      if (job) found.set(id, job);
    }
    return found;
  }

  async findWithSchedule(id: string): Promise<JobWithSchedule | undefined> {
    if (!this.schedules) throw new Error('findWithSchedule was called, but this test gave the job repository no schedules');
    const job = await this.findById(id);
    return job && { job, schedule: (await this.schedules.find(id)) ?? null };
  }

  async everExisted(id: string): Promise<boolean> {
    return this.rows.has(id);
  }

  async list(query: JobQuery): Promise<Job[]> {
    const key = (job: { name: string; id: string }) => `${job.name}\u0000${job.id}`;
    return this.live()
      .filter((job) => !query.after || key(job) > key(query.after))
      .filter((job) => Object.entries(query.labels ?? {}).every(([k, v]) => job.labels[k] === v))
      .filter((job) => !query.namePrefix || job.name.startsWith(query.namePrefix))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, query.limit);
  }

  async update(id: string, change: (current: Job) => Job): Promise<Job | undefined> {
    const current = await this.findById(id);
    if (!current) return undefined;
    const next = change(current);
    if (this.live().some((other) => other.name === next.name && other.id !== id)) {
      throw new JobNameTakenError(next.name);
    }
    this.rows.set(id, structuredClone(next));
    return next;
  }

  async remove(id: string, at: Date): Promise<boolean> {
    const current = this.rows.get(id);
    if (!current || current.deletedAt) return false;
    current.deletedAt = at;
    return true;
  }
}
