import { transition, type Execution, type ExecutionStatus, type RestoreSettings } from '../../entities/execution.js';
import type { LocalArtifact } from '../../ports/output/artifact-source.js';

/** The statuses a launch walks through, in order. */
export const LAUNCH_PATH: readonly ExecutionStatus[] = ['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'];

export interface LaunchChanges {
  details?: Partial<Record<ExecutionStatus, string>>;
  flinkJarId?: string;
  /** Recorded with the move to SUBMITTING. */
  programArgs?: string[];
  restoredFrom?: RestoreSettings | null; // picked by the job's restore strategy at launch (RestoreResolver.atLaunch)
}

/** `execution` moved along the launch path to `to`, through every status between, all stamped `now`. */
export function walkedTo(execution: Execution, to: ExecutionStatus, now: Date, changes: LaunchChanges): Execution {
  const from = LAUNCH_PATH.indexOf(execution.status);
  const restored = changes.restoredFrom === undefined ? execution : { ...execution, restoredFrom: changes.restoredFrom };
  return LAUNCH_PATH.slice(from + 1, LAUNCH_PATH.indexOf(to) + 1).reduce(
    (step, status) =>
      transition(step, status, now, {
        detail: changes.details?.[status],
        flinkJarId: status === to ? changes.flinkJarId : undefined,
        programArgs: status === 'SUBMITTING' ? changes.programArgs : undefined,
      }),
    restored,
  );
}

export function uploadDetails(artifact: LocalArtifact): Partial<Record<ExecutionStatus, string>> {
  return { UPLOADING: `${artifact.sizeBytes} bytes, sha256 ${artifact.sha256}` };
}
