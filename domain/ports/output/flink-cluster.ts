import type { ClaimMode, RestorePoint } from '../../entities/restore.js';
import type { ExceptionHistory } from '../../entities/flink-exception.js';
import type { JobPlan } from '../../entities/job-plan.js';


/** Flink's job states, reduced to what the domain acts on. */
export type FlinkJobState =
  | { kind: 'running' }
  | { kind: 'finished' }
  | { kind: 'failed' }
  | { kind: 'canceled' }
  /** Created, restarting, cancelling, failing...: not settled yet. */
  | { kind: 'transient'; state: string }
  | { kind: 'not-found' };

export interface RunRequest {
  jarId: string;
  entryClass: string;
  programArgs: string[];
  parallelism: number | null;
  flinkConfiguration: Record<string, string>;
  /** The id Flink must give the job, so a repeated submit is recognised rather than started twice. */
  jobId: string;
  restore: { savepointPath: string; allowNonRestoredState: boolean; claimMode?: ClaimMode } | null;
}

/** What building a job graph needs: a run's request without the job id and the restore. */
export type PlanRequest = Pick<RunRequest, 'jarId' | 'entryClass' | 'programArgs' | 'parallelism' | 'flinkConfiguration'>;

export type SavepointStatus =
  | { kind: 'in-progress' }
  | { kind: 'completed'; location: string }
  | { kind: 'failed'; cause: string };

export interface ClusterOverview {
  version: string;
  slotsAvailable: number;
}

/**
 * A Flink session cluster, as the domain needs it. Every method throws FlinkError: code FLINK_UNREACHABLE when the
 * JobManager cannot be reached (with its URL), FLINK_SUBMIT_FAILED when a run is refused (with the cause Flink
 * reported), FLINK_REQUEST_FAILED otherwise.
 */
export interface FlinkCluster {
  /** Where the cluster is: uploads are cached per (JAR content, cluster). */
  readonly address: string;
  overview(): Promise<ClusterOverview>;
  uploadJar(artifactPath: string, fileName: string): Promise<string>;
  /** Whether the JobManager still holds the uploaded JAR (uploads vanish when it restarts). */
  hasJar(jarId: string): Promise<boolean>;
  deleteJar(jarId: string): Promise<void>;
  /** Runs the JAR's main(); resolves with the Flink job id. A duplicate `jobId` resolves as already submitted. */
  run(request: RunRequest): Promise<string>;
  /**
   * Runs the JAR's main() to build its job graph, without running the job. Throws FLINK_SUBMIT_FAILED with the
   * cause when it cannot be built (main() throws, the entry class is missing, the JAR is gone), as `run` does.
   */
  plan(request: PlanRequest): Promise<JobPlan>;
  jobState(flinkJobId: string): Promise<FlinkJobState>;
  /** The root cause of a failed job, reduced to its meaningful message. */
  failureCause(flinkJobId: string): Promise<string>;
  /** The job's exception history, at most `maxExceptions` entries, newest first; undefined when Flink does not know the job. */
  exceptionHistory(flinkJobId: string, maxExceptions: number): Promise<ExceptionHistory | undefined>;
  cancel(flinkJobId: string): Promise<void>;
  /** Starts a stop-with-savepoint; resolves with the trigger id to poll. */
  stopWithSavepoint(flinkJobId: string, options: { drain: boolean; targetDirectory: string | null }): Promise<string>;
  /** Starts a savepoint of a running job that keeps running; resolves with the trigger id to poll. */
  triggerSavepoint(flinkJobId: string, options: { targetDirectory: string }): Promise<string>;
  savepointStatus(flinkJobId: string, triggerId: string): Promise<SavepointStatus>;
  /**
   * The newest snapshot of the job a later run can restore from: a completed, externalized checkpoint (or savepoint)
   * Flink did not discard. Undefined when there is none, or Flink no longer knows the job. `endedAt`: when the job
   * was seen to end, if it did; statistics Flink may still serve from before that end are not trusted.
   */
  retainedSnapshot(flinkJobId: string, endedAt?: Date | null): Promise<RestorePoint | undefined>;
}
