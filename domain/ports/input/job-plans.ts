import type { JobDefinition } from '../../entities/job.js';
import type { PlanCheckOutcome } from '../../entities/job-plan.js';

/** Checking that a job definition builds its Flink job graph, without running it. */
export interface JobPlans {
  /**
   * The plan of the job's current definition, or of `definition` in its place. Throws JobNotFoundError,
   * InvalidTemplateError for a placeholder of `definition` no run could resolve, and FlinkError
   * (FLINK_UNREACHABLE, FLINK_REQUEST_FAILED) when Flink cannot say.
   */
  check(jobId: string, definition?: JobDefinition): Promise<PlanCheckOutcome>;
}
