import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for savepoints: an hourly savepoint of `nightly-aggregation`'s run. */

const SAVEPOINT = '1d3f5b7a-9c2e-4a6b-8d0f-2b4d6f8a0c1e';

export const SAVEPOINT_EXAMPLE = {
  id: SAVEPOINT,
  jobId: EXAMPLE_IDS.job,
  executionId: EXAMPLE_IDS.execution,
  jobVersion: 3,
  path: 'file:/savepoints/savepoint-8c752f-4b1d2e3f4a5b',
  origin: 'PERIODIC' as const,
  status: 'COMPLETED' as const,
  createdAt: '2026-11-30T10:00:00.000Z',
  completedAt: '2026-11-30T10:00:04.000Z',
  error: null,
};

export const PENDING_SAVEPOINT_EXAMPLE = {
  ...SAVEPOINT_EXAMPLE,
  origin: 'MANUAL' as const,
  status: 'PENDING' as const,
  path: null,
  completedAt: null,
};

export const SAVEPOINT_LIST_EXAMPLE = { savepoints: [SAVEPOINT_EXAMPLE], nextContinuationToken: null };

export const DISPOSAL_EXAMPLE = {
  savepoint: { ...SAVEPOINT_EXAMPLE, status: 'DISPOSED' as const },
  filesRemoved: true,
  message: `Disposed of; its folder ${SAVEPOINT_EXAMPLE.path} was deleted`,
};

export const SAVEPOINT_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('SAVEPOINT_NOT_FOUND', `Savepoint '${SAVEPOINT}' does not exist`),
  `/api/v1/savepoints/${SAVEPOINT}`,
);

export const SAVEPOINT_PENDING_PROBLEM = problemDocument(
  domainProblem('SAVEPOINT_PENDING', `Savepoint '${SAVEPOINT}' is still being taken: dispose of it once it completed or failed`),
  `/api/v1/savepoints/${SAVEPOINT}`,
);

export const SAVEPOINT_JOB_NOT_RUNNING_PROBLEM = problemDocument(
  domainProblem('JOB_NOT_RUNNING', `Job '${EXAMPLE_IDS.job}' has no active execution to take a savepoint of (it must be RUNNING)`),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/savepoints`,
);
