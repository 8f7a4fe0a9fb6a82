import type { Execution } from '../../entities/execution.js';
import { jobAtVersion, type JobVersion } from '../../entities/job-version.js';
import type { Job } from '../../entities/job.js';
import { ExecutionStepError } from '../../errors.js';
import type { JobVersionRepository } from '../../ports/output/job-version-repository.js';

/** How many versions other than their job's current one are kept at hand: follow-up rounds read each once. */
const VERSIONS_KEPT = 256;

/** A run's definition at launch, and what its history says about it. */
export interface LaunchDefinition {
  job: Job;
  /** Given when the run runs a version other than the job's current one. */
  detail?: string;
}

/**
 * The definition a run runs: the one of its `jobVersion`, which a replace or rollback of the job since the run was
 * created does not change. A run at the job's current version (or from before versions) runs the job as it is, with
 * no read; another version is read once, as version rows never change.
 */
export class RunDefinitions {
  private readonly known = new Map<string, JobVersion>();

  constructor(private readonly versions: Pick<JobVersionRepository, 'find'>) {}

  /** `job` as `run` runs it; undefined when the run's version is not stored (which should not happen). */
  async of(run: Pick<Execution, 'jobVersion'>, job: Job): Promise<Job | undefined> {
    if (run.jobVersion === null || run.jobVersion === job.version) return job;
    const key = `${job.id}/${run.jobVersion}`;
    const found = this.known.get(key) ?? (await this.versions.find(job.id, run.jobVersion));
    if (!found) return undefined;
    if (!this.known.has(key)) this.remember(key, found);
    return jobAtVersion(job, found);
  }

  /** What a launch of `run` submits; throws JOB_VERSION_NOT_FOUND rather than submit another version instead. */
  async forLaunch(run: Pick<Execution, 'jobVersion'>, job: Job): Promise<LaunchDefinition> {
    const runs = await this.of(run, job);
    if (!runs) {
      const message = `Version ${run.jobVersion} of job '${job.id}', which the run was created with, is not stored: the run does not start another version instead`;
      throw new ExecutionStepError('JOB_VERSION_NOT_FOUND', message);
    }
    if (runs === job) return { job };
    return { job: runs, detail: `runs job version ${runs.version} (the job is at version ${job.version} now)` };
  }

  private remember(key: string, version: JobVersion): void {
    if (this.known.size >= VERSIONS_KEPT) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, version);
  }
}
