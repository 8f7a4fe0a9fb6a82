/**
 * Hands work on a run to the background worker, so requests return at once: `launch` walks a new run through
 * download, upload and submit; `followUp` looks at a run Flink has (state, pending stop) right away rather than at
 * the next poll.
 */
import type { Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';

export interface ExecutionDispatcher {
  /** `started` is the run as just stored (and its job, when at hand), which saves the launch reading them again. */
  launch(executionId: string, started?: { execution: Execution; job?: Job }): void;
  followUp(executionId: string): void;
}
