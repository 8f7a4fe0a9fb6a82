import type { AuditContext } from '../entities/audit.js';
import type { Job } from '../entities/job.js';
import type { JobVersion } from '../entities/job-version.js';
import { JobVersionNotFoundError } from '../errors.js';
import type { JobDefinitions } from '../ports/input/job-definitions.js';
import type { JobVersionPage, JobVersions } from '../ports/input/job-versions.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { JobVersionRepository } from '../ports/output/job-version-repository.js';
import { keysetPage } from './keyset-page.js';
import { requireLiveJob } from './live-job.js';

export class JobVersionService implements JobVersions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly versions: JobVersionRepository,
    private readonly definitions: Pick<JobDefinitions, 'replaceJob'>,
  ) {}

  async listVersions(jobId: string, request: { limit: number; before?: number }): Promise<JobVersionPage> {
    await requireLiveJob(this.jobs, jobId);
    const rows = await this.versions.list(jobId, { ...request, limit: request.limit + 1 });
    const page = keysetPage(rows, request.limit, (version) => version.version);
    return page.next === undefined ? { versions: page.rows } : { versions: page.rows, next: page.next };
  }

  async getVersion(jobId: string, version: number): Promise<JobVersion> {
    await requireLiveJob(this.jobs, jobId);
    const found = await this.versions.find(jobId, version);
    if (!found) throw new JobVersionNotFoundError(jobId, version);
    return found;
  }

  /**
   * A replace with an old definition: the same checks, If-Match, audit row and job.replaced event, and a new
   * version row. Versions never change, so reading it before the replace's transaction is safe.
   */
  async rollbackJob(jobId: string, version: number, audit: AuditContext, expectedVersion?: number): Promise<Job> {
    const target = await this.getVersion(jobId, version);
    return this.definitions.replaceJob(jobId, target.definition, audit, expectedVersion);
  }
}
