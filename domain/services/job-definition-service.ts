import { createJob, replaceJob, type Job, type JobDefinition } from '../entities/job.js';
import { isEntityId } from '../entities/ids.js';
import { JarLocationRefusedError, JobNotFoundError, JobVersionMismatchError } from '../errors.js';
import type { JobDefinitions, JobPage, ListJobsRequest } from '../ports/input/job-definitions.js';
import type { ArtifactSource } from '../ports/output/artifact-source.js';
import type { Clock } from '../ports/output/clock.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JobRepository } from '../ports/output/job-repository.js';

/** How often a replace without an expected version re-reads after losing a race with another writer. */
const REPLACE_ATTEMPTS = 3;

export class JobDefinitionService implements JobDefinitions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly jarPolicy: Pick<ArtifactSource, 'refusalFor'>,
  ) {}

  async createJob(definition: JobDefinition): Promise<Job> {
    this.checkJarLocation(definition);
    const job = createJob(definition, this.ids.newId(), this.clock.now());
    await this.jobs.insert(job);
    return job;
  }

  async getJob(id: string): Promise<Job> {
    const job = isEntityId(id) ? await this.jobs.findById(id) : undefined;
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  async listJobs(request: ListJobsRequest): Promise<JobPage> {
    // One row more than asked tells whether another page follows.
    const rows = await this.jobs.list({ ...request, limit: request.limit + 1 });
    if (rows.length <= request.limit) return { jobs: rows };
    const jobs = rows.slice(0, request.limit);
    const last = jobs[jobs.length - 1]!;
    return { jobs, next: { name: last.name, id: last.id } };
  }

  async replaceJob(id: string, definition: JobDefinition, expectedVersion?: number): Promise<Job> {
    this.checkJarLocation(definition);
    for (let attempt = 1; ; attempt++) {
      const current = await this.getJob(id);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new JobVersionMismatchError(id, expectedVersion, current.version);
      }
      const next = replaceJob(current, definition, this.clock.now());
      if (await this.jobs.replace(next)) return next;
      // Someone else wrote in between. With an expected version that is a conflict the caller must see;
      // without one, last writer wins, so read again and retry.
      if (expectedVersion !== undefined || attempt >= REPLACE_ATTEMPTS) {
        const latest = await this.getJob(id);
        throw new JobVersionMismatchError(id, expectedVersion ?? current.version, latest.version);
      }
    }
  }

  private checkJarLocation(definition: JobDefinition): void {
    const refusal = this.jarPolicy.refusalFor(definition.jarURL);
    if (refusal) throw new JarLocationRefusedError(refusal);
  }

  async deleteJob(id: string): Promise<void> {
    const removed = isEntityId(id) && (await this.jobs.remove(id, this.clock.now()));
    if (!removed) throw new JobNotFoundError(id);
  }
}
