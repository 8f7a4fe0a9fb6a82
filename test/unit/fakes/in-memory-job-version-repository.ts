import type { JobVersion } from '../../../domain/entities/job-version.js';
import type { JobVersionQuery, JobVersionRepository } from '../../../domain/ports/output/job-version-repository.js';

/** The JobVersionRepository contract in memory, for domain tests. */
export class InMemoryJobVersionRepository implements JobVersionRepository {
  readonly rows: JobVersion[] = [];

  async append(version: JobVersion): Promise<void> {
    if (this.rows.some((row) => row.jobId === version.jobId && row.version === version.version)) {
      throw new Error(`version ${version.version} of job ${version.jobId} is stored already`);
    }
    this.rows.push(structuredClone(version));
  }

  async find(jobId: string, version: number): Promise<JobVersion | undefined> {
    return structuredClone(this.rows.find((row) => row.jobId === jobId && row.version === version));
  }

  async list(jobId: string, query: JobVersionQuery): Promise<JobVersion[]> {
    return this.rows
      .filter((row) => row.jobId === jobId && (query.before === undefined || row.version < query.before))
      .sort((a, b) => b.version - a.version)
      .slice(0, query.limit)
      .map((row) => structuredClone(row));
  }
}
