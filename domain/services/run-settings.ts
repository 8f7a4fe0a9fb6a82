import type { StopMode } from '../entities/execution.js';
import type { Job } from '../entities/job.js';

export interface ExecutionSettings {
  /** Cluster-wide savepoint folder (SAVEPOINT_DIR), if any. */
  savepointDir: string | null;
  /** How long a stop-with-savepoint may take before the job is cancelled instead. */
  stopTimeoutMs: number;
  /** How long Flink may stay unreachable before a run it was following is given up as FLINK_UNREACHABLE. */
  unreachableGraceMs: number;
}

/** The folder a job's savepoints go to: its own `state.savepoints.dir`, else the service-wide one. */
export function savepointDirFor(job: Pick<Job, 'flinkConfiguration'>, settings: ExecutionSettings): string | null {
  return job.flinkConfiguration['state.savepoints.dir'] ?? settings.savepointDir;
}

/** How a run of the job stops unless told otherwise: with a savepoint when there is a folder for it, else cancelled. */
export function defaultStopMode(job: Pick<Job, 'flinkConfiguration'>, settings: ExecutionSettings): StopMode {
  return savepointDirFor(job, settings) ? 'savepoint' : 'cancel';
}
