import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for upgrades: `nightly-aggregation` moved from version 3 to 4 with a savepoint. */

const UPGRADE = '7a5c3e1f-2b4d-4c6e-8f0a-1b3d5f7a9c2e';

export const UPGRADE_EXAMPLE = {
  id: UPGRADE,
  jobId: EXAMPLE_IDS.job,
  mode: 'savepoint' as const,
  state: 'SUCCEEDED' as const,
  fromVersion: 3,
  toVersion: 4,
  oldExecutionId: EXAMPLE_IDS.execution,
  newExecutionId: '9d863a02-4112-4a23-a63b-373bbdfb7779',
  rollbackExecutionId: null,
  restoredFrom: 'file:/savepoints/savepoint-8c752f-f8f52171f03a',
  restoredFromKind: 'savepoint' as const,
  rolledBack: false,
  error: null,
  requestedBy: 'ci-deployer',
  createdAt: '2026-11-30T12:00:00.000Z',
  updatedAt: '2026-11-30T12:00:21.000Z',
};

export const UPGRADE_LIST_EXAMPLE = { upgrades: [UPGRADE_EXAMPLE], nextContinuationToken: null };

export const UPGRADE_STARTED_EXAMPLE = {
  id: UPGRADE,
  status: 'STOPPING' as const,
  mode: 'savepoint' as const,
  links: { self: `/api/v1/upgrades/${UPGRADE}`, oldExecution: `/api/v1/executions/${EXAMPLE_IDS.execution}` },
};

export const UPGRADE_NOTICE_EXAMPLE = `Upgrading run ${EXAMPLE_IDS.execution} from version 3 to 4 (savepoint); follow it at /api/v1/upgrades/${UPGRADE}`;

export const UPGRADE_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('UPGRADE_NOT_FOUND', `Upgrade '${UPGRADE}' does not exist`),
  `/api/v1/upgrades/${UPGRADE}`,
);

export const UPGRADE_IN_PROGRESS_PROBLEM = problemDocument(
  domainProblem(
    'UPGRADE_IN_PROGRESS',
    `Job '${EXAMPLE_IDS.job}' is being upgraded (upgrade ${UPGRADE}); nothing was stored: try again once it ended`,
  ),
  `/api/v1/jobs/${EXAMPLE_IDS.job}`,
);

export const UPGRADE_NOT_POSSIBLE_PROBLEM = problemDocument(
  domainProblem(
    'UPGRADE_NOT_POSSIBLE',
    `Job '${EXAMPLE_IDS.job}' cannot be upgraded now: its run ${EXAMPLE_IDS.execution} is SUBMITTING, not RUNNING; nothing was stored`,
  ),
  `/api/v1/jobs/${EXAMPLE_IDS.job}`,
);
