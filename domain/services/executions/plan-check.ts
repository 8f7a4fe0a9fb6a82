import type { Job, JobDefinition } from '../../entities/job.js';
import { definitionTemplateProblems } from '../../entities/run-arguments.js';
import { ArtifactError, FlinkError } from '../../errors.js';
import type { PlanCheckOutcome, PlanRefusalCode } from '../../entities/job-plan.js';
import type { JobPlans } from '../../ports/input/job-plans.js';
import type { ArtifactSource } from '../../ports/output/artifact-source.js';
import type { Clock } from '../../ports/output/clock.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import { InvalidTemplateError } from '../../template-errors.js';
import { requireLiveJob } from '../live-job.js';
import type { JarSubmission } from './jar-submission.js';
import type { RunArgumentResolver } from './run-argument-resolver.js';

/**
 * A pre-flight check: whether a job definition builds its Flink job graph, without running it. The JAR comes the
 * way a run's does (the cache, the upload Flink has already), the arguments are resolved as for a run started now,
 * and Flink runs main() to build the graph only. A main() that throws, or an entry class the JAR lacks, is a refusal
 * with its cause; so is a JAR that cannot be had.
 */
export class PlanCheck implements JobPlans {
  constructor(
    private readonly jobs: JobRepository,
    private readonly artifacts: ArtifactSource,
    private readonly submission: JarSubmission,
    private readonly runArguments: RunArgumentResolver,
    private readonly clock: Clock,
  ) {}

  async check(jobId: string, definition?: JobDefinition): Promise<PlanCheckOutcome> {
    const current = await requireLiveJob(this.jobs, jobId);
    const job: Job = definition ? { ...current, ...definition } : current;
    // A given definition is checked as a replace would check it; a stored one too, should it predate the checks.
    const problems = definitionTemplateProblems(job);
    if (problems.length > 0) throw new InvalidTemplateError(problems);
    const artifact = await this.artifact(job);
    if ('refused' in artifact) return artifact.refused;
    try {
      const run = await this.runArguments.resolveUnstarted(job, this.clock.now());
      return { ok: true, plan: await this.submission.plan(job, artifact, run) };
    } catch (error) {
      if (error instanceof FlinkError && error.code === 'FLINK_SUBMIT_FAILED') return refused('JOB_GRAPH_FAILED', error.message);
      throw error;
    } finally {
      this.artifacts.release(artifact);
    }
  }

  private async artifact(job: Job) {
    try {
      return (await this.artifacts.cached(job.jarURL, job.jarSha256)) ?? (await this.artifacts.fetch(job.jarURL, job.jarSha256));
    } catch (error) {
      if (error instanceof ArtifactError) return { refused: refused(error.code as PlanRefusalCode, error.message) };
      throw error;
    }
  }
}

function refused(code: PlanRefusalCode, cause: string): PlanCheckOutcome {
  return { ok: false, code, cause };
}
