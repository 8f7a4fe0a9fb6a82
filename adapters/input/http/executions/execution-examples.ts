import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for runs: the README's run of `nightly-aggregation`, stopped with a savepoint. */

const SAVEPOINT = 'file:/savepoints/savepoint-8c752f-f8f52171f03a';

export const EXECUTION_EXAMPLE = {
  id: EXAMPLE_IDS.execution,
  jobId: EXAMPLE_IDS.job,
  trigger: 'manual',
  attempt: 1,
  scheduledFor: '2026-11-24T10:00:00.000Z',
  status: 'STOPPED',
  flinkJobId: '8c752f9130014912952a262aacea6668',
  flinkJarId: '0b6f8a1e-4c2d-4b7a-9e3f-5d6c7b8a9f01_aggregation.jar',
  savepointPath: SAVEPOINT,
  restoredFrom: null,
  restoredFromKind: null,
  error: null,
  programArgs: ['--date', '2026-11-23', '--source', 'kafka'],
  retryOf: null,
  backfillId: null,
  jobVersion: 3,
  upgradeOf: null,
  flinkWebUrl: 'http://flink:8081/#/job/running/8c752f9130014912952a262aacea6668/overview',
  requestedBy: 'ci-deployer',
  queuedUntil: null,
  deadlineAt: null,
  deadlineMissed: false,
  createdAt: '2026-11-24T10:00:00.000Z',
  startedAt: '2026-11-24T10:00:00.412Z',
  endedAt: '2026-11-24T10:05:02.118Z',
  durationMs: 301706,
  history: [
    { status: 'PENDING', at: '2026-11-24T10:00:00.000Z' },
    { status: 'DOWNLOADING', at: '2026-11-24T10:00:00.004Z' },
    { status: 'UPLOADING', at: '2026-11-24T10:00:00.101Z', detail: '48213 bytes' },
    { status: 'SUBMITTING', at: '2026-11-24T10:00:00.180Z' },
    { status: 'RUNNING', at: '2026-11-24T10:00:00.412Z' },
    { status: 'STOPPING', at: '2026-11-24T10:05:00.000Z', detail: 'stop with savepoint requested' },
    { status: 'STOPPED', at: '2026-11-24T10:05:02.118Z', detail: `savepoint ${SAVEPOINT}` },
  ],
};

export const EXECUTION_SUMMARY_EXAMPLE = {
  id: EXECUTION_EXAMPLE.id,
  status: EXECUTION_EXAMPLE.status,
  createdAt: EXECUTION_EXAMPLE.createdAt,
  startedAt: EXECUTION_EXAMPLE.startedAt,
  endedAt: EXECUTION_EXAMPLE.endedAt,
};

export const EXECUTION_LIST_EXAMPLE = { executions: [EXECUTION_EXAMPLE], nextContinuationToken: null };

export const START_REQUEST_EXAMPLE = { restore: 'latest-state', claimMode: 'NO_CLAIM' };

export const STOP_REQUEST_EXAMPLE = { mode: 'savepoint', drain: false };

export const PURGE_REQUEST_EXAMPLE = { before: '2026-11-01T00:00:00Z', jobId: EXAMPLE_IDS.job, dryRun: true };

export const PURGE_RESULT_EXAMPLE = { removed: 42, dryRun: true };

const JOB_RUNS = `/api/v1/jobs/${EXAMPLE_IDS.job}`;
const RETRY = `/api/v1/executions/${EXAMPLE_IDS.execution}/retry`;
const ACTIVE_RUN = '1d4e7f0a-2b5c-4d8e-9f1a-3b6c9d2e5f80';

export const EXECUTION_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('EXECUTION_NOT_FOUND', `Execution '${EXAMPLE_IDS.execution}' does not exist`),
  `/api/v1/executions/${EXAMPLE_IDS.execution}`,
);

export const JOB_ALREADY_RUNNING_PROBLEM = problemDocument(
  domainProblem('JOB_ALREADY_RUNNING', `Job '${EXAMPLE_IDS.job}' already has an active execution '${ACTIVE_RUN}'`),
  `${JOB_RUNS}/start`,
);

export const JOB_CHANGED_PROBLEM = problemDocument(
  domainProblem(
    'JOB_CHANGED',
    `Job '${EXAMPLE_IDS.job}' or its schedule changed while the run was being started; no run was started, try again`,
  ),
  `${JOB_RUNS}/start`,
);

export const NO_SAVEPOINT_PROBLEM = problemDocument(
  domainProblem('NO_SAVEPOINT', `No run of job '${EXAMPLE_IDS.job}' has taken a savepoint to restore from`),
  `${JOB_RUNS}/start`,
);

export const JOB_NOT_RUNNING_PROBLEM = problemDocument(
  domainProblem('JOB_NOT_RUNNING', `Job '${EXAMPLE_IDS.job}' has no active execution to stop`),
  `${JOB_RUNS}/stop`,
);

export const SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM = problemDocument(
  domainProblem(
    'SAVEPOINT_DIR_NOT_CONFIGURED',
    `Job '${EXAMPLE_IDS.job}' cannot stop with a savepoint: set SAVEPOINT_DIR or state.savepoints.dir in its flinkConfiguration`,
  ),
  `${JOB_RUNS}/stop`,
);

export const EXECUTION_NOT_FAILED_PROBLEM = problemDocument(
  domainProblem('EXECUTION_NOT_FAILED', `Execution '${EXAMPLE_IDS.execution}' is STOPPED: only a FAILED run can be retried`),
  RETRY,
);

export const EXECUTION_ALREADY_RETRIED_PROBLEM = problemDocument(
  domainProblem(
    'EXECUTION_ALREADY_RETRIED',
    `Execution '${EXAMPLE_IDS.execution}' was already retried by execution '${ACTIVE_RUN}'`,
  ),
  RETRY,
);
