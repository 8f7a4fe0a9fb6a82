import type { PlanRefusalCode } from './entities/job-plan.js';
import { DomainError } from './errors.js';

// The error of a job's plan check, beside the others in errors.ts; its codes map to HTTP statuses there too (problem.ts).

/** A job definition whose job graph cannot be built, or whose JAR cannot be had: `message` is the reduced cause. */
export class PlanRefusedError extends DomainError {
  constructor(
    readonly code: PlanRefusalCode,
    readonly jobId: string,
    cause: string,
  ) {
    super(code === 'JOB_GRAPH_FAILED' ? `The job graph of job '${jobId}' cannot be built: ${cause}` : cause);
  }
}
