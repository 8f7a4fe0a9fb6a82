/** What the service's configuration says about carrying executions out. */
export interface ExecutionSettings {
  /** Cluster-wide savepoint folder (SAVEPOINT_DIR), if any. */
  savepointDir: string | null;
  /** How long a stop-with-savepoint may take before the job is cancelled instead. */
  stopTimeoutMs: number;
  /** How long Flink may stay unreachable before an execution it was following is given up as FLINK_UNREACHABLE. */
  unreachableGraceMs: number;
  /** How long an upgrade's new run must stay RUNNING before the upgrade counts as done (UPGRADE_STABLE_SECONDS). */
  upgradeStableMs: number;
}
