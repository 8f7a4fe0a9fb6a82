import type { AuditContext } from '../entities/audit.js';
import { jobEvent } from '../entities/event.js';
import { createJob, replaceJob, type Job, type JobDefinition } from '../entities/job.js';
import { isEntityId } from '../entities/ids.js';
import { versionOf } from '../entities/job-version.js';
import { definitionTemplateProblems } from '../entities/run-arguments.js';
import { JarLocationRefusedError, JobNotFoundError, JobVersionMismatchError } from '../errors.js';
import { InvalidTemplateError } from '../template-errors.js';
import { savepointPolicyProblem } from '../entities/savepoint.js';
import { InvalidSavepointPolicyError } from '../savepoint-errors.js';
import type { JobDefinitions, JobPage, ListJobsRequest } from '../ports/input/job-definitions.js';
import type { ArtifactSource } from '../ports/output/artifact-source.js';
import type { Clock } from '../ports/output/clock.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { TransactionRepositories } from '../ports/output/unit-of-work.js';
import type { AuditedChanges, ChangeRecord } from './change-records.js';
import { keysetPage } from './keyset-page.js';
import { requireLiveJob } from './live-job.js';

export class JobDefinitionService implements JobDefinitions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly changes: AuditedChanges,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly jarPolicy: Pick<ArtifactSource, 'refusalFor'>,
    private readonly cron: Pick<CronCalculator, 'problemWith'>,
  ) {}

  async createJob(definition: JobDefinition, audit: AuditContext): Promise<Job> {
    this.check(definition);
    const job = createJob(definition, this.ids.newId(), this.clock.now());
    const store = async ({ jobs, versions }: TransactionRepositories) => {
      await jobs.insert(job);
      await versions.append(versionOf(job, audit.actor.name));
    };
    await this.changes.run(audit, store, () => ({
      resourceId: job.id,
      versionBefore: null,
      versionAfter: job.version,
      events: [jobEvent('job.created', job, job.createdAt)],
    }));
    return job;
  }

  getJob(id: string): Promise<Job> {
    return requireLiveJob(this.jobs, id);
  }

  async listJobs(request: ListJobsRequest): Promise<JobPage> {
    const rows = await this.jobs.list({ ...request, limit: request.limit + 1 });
    const page = keysetPage(rows, request.limit, (job) => ({ name: job.name, id: job.id }));
    return page.next ? { jobs: page.rows, next: page.next } : { jobs: page.rows };
  }

  async replaceJob(id: string, definition: JobDefinition, audit: AuditContext, expectedVersion?: number): Promise<Job> {
    this.check(definition);
    // The read and the write are one step for the repository, so concurrent writers queue up: without an
    // expected version the last one wins, with one each sees the version the writer before it left.
    const replaced = isEntityId(id)
      ? await this.changes.run(
          audit,
          (repositories) => this.replaceWithin(repositories, id, definition, audit, expectedVersion),
          (job) => job && replacedRecord(job),
        )
      : undefined;
    if (!replaced) throw new JobNotFoundError(id);
    return replaced;
  }

  /**
   * The writes of a replace, in the caller's transaction: the job at its next version and its version row.
   * Undefined when there is no such live job. The definition must have passed `check`.
   */
  async replaceWithin(
    { jobs, versions }: Pick<TransactionRepositories, 'jobs' | 'versions'>,
    id: string,
    definition: JobDefinition,
    audit: AuditContext,
    expectedVersion?: number,
  ): Promise<Job | undefined> {
    const job = await jobs.update(id, (current) => {
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new JobVersionMismatchError(id, expectedVersion, current.version);
      }
      return replaceJob(current, definition, this.clock.now());
    });
    if (job) await versions.append(versionOf(job, audit.actor.name));
    return job;
  }

  /**
   * What the schema cannot tell: a JAR location the policy refuses, a placeholder no run could resolve, a
   * savepointPolicy that cannot be used. A rollback's old definition is checked again too: the policy may have
   * changed since.
   */
  check(definition: JobDefinition): void {
    const refusal = this.jarPolicy.refusalFor(definition.jarURL);
    if (refusal) throw new JarLocationRefusedError(refusal);
    const problems = definitionTemplateProblems(definition);
    if (problems.length > 0) throw new InvalidTemplateError(problems);
    const policyProblem = definition.savepointPolicy && savepointPolicyProblem(definition.savepointPolicy, (pattern, zone) => this.cron.problemWith(pattern, zone));
    if (policyProblem) throw new InvalidSavepointPolicyError(policyProblem.field, policyProblem.reason);
  }

  async deleteJob(id: string, audit: AuditContext): Promise<void> {
    const current = await this.getJob(id);
    const now = this.clock.now();
    const removed = await this.changes.run(audit, ({ jobs }) => jobs.remove(id, now), (done) =>
      done
        ? { resourceId: id, versionBefore: current.version, versionAfter: null, events: [jobEvent('job.deleted', current, now)] }
        : undefined,
    );
    if (!removed) throw new JobNotFoundError(id);
  }
}

/** The audit row and event of a replace (or rollback) that brought `job` to its version. */
export function replacedRecord(job: Job): ChangeRecord {
  return { resourceId: job.id, versionBefore: job.version - 1, versionAfter: job.version, events: [jobEvent('job.replaced', job, job.updatedAt)] };
}
