import type { Job } from '../../../domain/entities/job.js';
import { JobNameTakenError } from '../../../domain/errors.js';
import type { JobQuery, JobRepository } from '../../../domain/ports/output/job-repository.js';

/** The JobRepository contract in memory, for domain tests. Byte-order names, like the real one. */
export class InMemoryJobRepository implements JobRepository {
  readonly rows = new Map<string, Job & { deletedAt?: Date }>();
  /** Set to make the next `replace` lose a race, as if another writer got there first. */
  loseNextReplaceRace = false;

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

  async list(query: JobQuery): Promise<Job[]> {
    const key = (job: { name: string; id: string }) => `${job.name}\u0000${job.id}`;
    return this.live()
      .filter((job) => !query.after || key(job) > key(query.after))
      .filter((job) => Object.entries(query.labels ?? {}).every(([k, v]) => job.labels[k] === v))
      .filter((job) => !query.namePrefix || job.name.startsWith(query.namePrefix))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, query.limit);
  }

  async replace(job: Job): Promise<boolean> {
    const current = this.rows.get(job.id);
    if (this.loseNextReplaceRace && current) {
      this.loseNextReplaceRace = false;
      this.rows.set(job.id, { ...current, version: current.version + 1 });
      return false;
    }
    if (!current || current.deletedAt || current.version !== job.version - 1) return false;
    if (this.live().some((other) => other.name === job.name && other.id !== job.id)) {
      throw new JobNameTakenError(job.name);
    }
    this.rows.set(job.id, structuredClone(job));
    return true;
  }

  async remove(id: string, at: Date): Promise<boolean> {
    const current = this.rows.get(id);
    if (!current || current.deletedAt) return false;
    current.deletedAt = at;
    return true;
  }
}
