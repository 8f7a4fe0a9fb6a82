import { FLINK_REQUEST_FAILED_PROBLEM } from '../exceptions/exception-examples.js';
import { SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM } from '../executions/execution-examples.js';
import { JAR_DOWNLOAD_FAILED_PROBLEM, JOB_GRAPH_FAILED_PROBLEM, PLAN_FLINK_UNREACHABLE_PROBLEM } from '../plans/plan-examples.js';
import { problemDoc } from '../responses.js';
import { UPGRADE_IN_PROGRESS_PROBLEM, UPGRADE_NOT_POSSIBLE_PROBLEM } from './upgrade-examples.js';

/** What a replace or rollback with `?upgrade=` may answer besides what it answers without: shared by both routes. */

export const UPGRADE_CONFLICTS = {
  description:
    'with `upgrade`: UPGRADE_NOT_POSSIBLE (the active run is not RUNNING), UPGRADE_IN_PROGRESS, or ' +
    'SAVEPOINT_DIR_NOT_CONFIGURED (savepoint mode without a savepoint folder); nothing is stored',
  examples: [UPGRADE_NOT_POSSIBLE_PROBLEM, UPGRADE_IN_PROGRESS_PROBLEM, SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM],
};

export const PLAN_PROBLEMS = {
  422: problemDoc(
    "With `upgrade`: JOB_GRAPH_FAILED (the new version's main() threw, or its entry class is missing: the cause), or " +
      'its JAR cannot be had (JAR_DOWNLOAD_FAILED, JAR_TOO_LARGE, JAR_CHECKSUM_MISMATCH); nothing is stored, the run goes on',
    JOB_GRAPH_FAILED_PROBLEM,
    JAR_DOWNLOAD_FAILED_PROBLEM,
  ),
  502: problemDoc('With `upgrade`: FLINK_REQUEST_FAILED, Flink answered the plan check with an error', FLINK_REQUEST_FAILED_PROBLEM),
  503: problemDoc('With `upgrade`: FLINK_UNREACHABLE, no answer to the plan check', PLAN_FLINK_UNREACHABLE_PROBLEM),
};
