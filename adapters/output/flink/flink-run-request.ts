import { FlinkError } from '../../../domain/errors.js';
import type { ClaimMode } from '../../../domain/entities/restore.js';
import type { PlanRequest, RunRequest } from '../../../domain/ports/output/flink-cluster.js';

/**
 * Body of `POST /jars/:jarid/plan`, and the part of a run's body that says how main() is called. Arguments go in
 * `programArgsList` only: `programArgs` (one string) is gone in Flink 2.x, which ignores unknown fields silently.
 */
export interface JarProgramBody {
  entryClass: string;
  programArgsList: string[];
  parallelism?: number;
  flinkConfiguration?: Record<string, string>;
}

/** Body of `POST /jars/:jarid/run`. */
export interface JarRunBody extends JarProgramBody {
  jobId: string;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** Flink 1.20 and later; 2.x reads only this one. */
  claimMode?: ClaimMode;
  /** Flink 1.15 to 1.19 (deprecated in 1.20, removed in 2.0): never sent to a cluster that reads `claimMode`. */
  restoreMode?: ClaimMode;
}

/** `claimMode` replaced `restoreMode` in Flink 1.20; `restoreMode` came with 1.15. */
const CLAIM_MODE_SINCE = { major: 1, minor: 20 };
const RESTORE_MODE_SINCE = { major: 1, minor: 15 };

/** `flinkConfiguration` in a run request came with FLIP-256 in Flink 1.17; older clusters drop it without a word. */
const FLINK_CONFIGURATION_SINCE = { major: 1, minor: 17 };

/**
 * The run body for a cluster of `flinkVersion` (as `GET /config` reports it). A field the cluster would not read is
 * refused here rather than dropped, since a job run without its configuration is not the job that was asked for.
 * Flink 1.20 and 2.x read every field.
 */
export function jarRunBody(request: RunRequest, flinkVersion: string): JarRunBody {
  const body: JarRunBody = { ...jarProgramBody(request, flinkVersion), jobId: request.jobId };
  if (request.restore) {
    body.savepointPath = request.restore.savepointPath;
    body.allowNonRestoredState = request.restore.allowNonRestoredState;
    const claimMode = request.restore.claimMode ?? 'NO_CLAIM';
    if (isAtLeast(flinkVersion, CLAIM_MODE_SINCE)) body.claimMode = claimMode;
    else if (isAtLeast(flinkVersion, RESTORE_MODE_SINCE)) body.restoreMode = claimMode;
    else if (claimMode === 'CLAIM') {
      throw new FlinkError('FLINK_SUBMIT_FAILED', `Flink ${flinkVersion} cannot claim the snapshot it restores from (needs 1.15 or later)`);
    }
  }
  return body;
}

/**
 * How main() is called, for a plan or a run. Flink's plan request reads the same fields as a run's (1.20 and 2.x:
 * `JarPlanRequestBody` extends the run's `JarRequestBody`), so a plan builds the graph a run would.
 */
export function jarProgramBody(request: PlanRequest, flinkVersion: string): JarProgramBody {
  const body: JarProgramBody = { entryClass: request.entryClass, programArgsList: request.programArgs };
  if (request.parallelism !== null) body.parallelism = request.parallelism;
  if (Object.keys(request.flinkConfiguration).length > 0) {
    if (!isAtLeast(flinkVersion, FLINK_CONFIGURATION_SINCE)) {
      throw new FlinkError(
        'FLINK_SUBMIT_FAILED',
        `Flink ${flinkVersion} does not accept flinkConfiguration when running a JAR (needs 1.17 or later): ` +
          'set these options in the cluster configuration instead',
      );
    }
    body.flinkConfiguration = request.flinkConfiguration;
  }
  return body;
}

/** Versions that do not read as `major.minor...` (a custom build, say) are taken to be recent. */
function isAtLeast(version: string, since: { major: number; minor: number }): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return true;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > since.major || (major === since.major && minor >= since.minor);
}
