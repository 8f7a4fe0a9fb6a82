import { EXAMPLE_IDS } from '../example-ids.js';
import { JOB_DEFINITION_EXAMPLE } from '../jobs/job-examples.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for a job's versions: version 2 of `nightly-aggregation`. */

export const JOB_VERSION_EXAMPLE = {
  jobId: EXAMPLE_IDS.job,
  version: 2,
  createdAt: '2026-11-20T16:30:00.000Z',
  changedBy: 'ci-deployer',
  definition: { ...JOB_DEFINITION_EXAMPLE, parallelism: 2 },
};

export const JOB_VERSION_LIST_EXAMPLE = {
  versions: [JOB_VERSION_EXAMPLE],
  nextContinuationToken: 'eyJwIjp7InZlcnNpb24iOjJ9fQ',
};

export const ROLLBACK_REQUEST_EXAMPLE = { version: 2 };

export const JOB_VERSION_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('JOB_VERSION_NOT_FOUND', `Job '${EXAMPLE_IDS.job}' has no version 7`),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/versions/7`,
);
