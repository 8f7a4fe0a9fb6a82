import { EXAMPLE_IDS } from '../example-ids.js';
import { EXECUTION_SUMMARY_EXAMPLE } from '../executions/execution-examples.js';
import { domainProblem, problemDocument } from '../problem.js';
import { SCHEDULE_EXAMPLE } from '../schedules/schedule-examples.js';

/** Examples of the OpenAPI document for jobs: `nightly-aggregation`, its JAR served by the data processor. */

export const RETRY_POLICY_EXAMPLE = { maxAttempts: 3, backoffSeconds: 60, backoffMultiplier: 2, maxBackoffSeconds: 900 };

export const SAVEPOINT_POLICY_EXAMPLE = { intervalSeconds: 3600, cron: null, maxCount: 24, maxAgeSeconds: null };

export const JOB_DEFINITION_EXAMPLE = {
  name: 'nightly-aggregation',
  description: 'Aggregates the day of click events into hourly totals per customer',
  jarURL: '/jars/aggregation.jar',
  entryClass: 'com.example.Aggregation',
  config: { source: 'kafka', topic: 'clicks', windowMinutes: 60 },
  args: ['--verbose'],
  parallelism: 4,
  flinkConfiguration: { 'taskmanager.numberOfTaskSlots': '4' },
  jarSha256: null,
  timeoutSeconds: 7200,
  labels: { team: 'data' },
  retryPolicy: RETRY_POLICY_EXAMPLE,
  restore: null,
  allowNonRestoredState: false,
  claimMode: 'NO_CLAIM',
  savepointPolicy: SAVEPOINT_POLICY_EXAMPLE,
};

export const JOB_EXAMPLE = {
  id: EXAMPLE_IDS.job,
  ...JOB_DEFINITION_EXAMPLE,
  version: 3,
  createdAt: '2026-11-12T09:00:00.000Z',
  updatedAt: '2026-11-24T09:45:00.000Z',
  lastExecution: EXECUTION_SUMMARY_EXAMPLE,
  schedule: SCHEDULE_EXAMPLE,
};

export const JOB_LIST_EXAMPLE = {
  jobs: [JOB_EXAMPLE],
  nextContinuationToken: 'eyJhZnRlciI6eyJuYW1lIjoibmlnaHRseS1hZ2dyZWdhdGlvbiJ9fQ',
};

const JOB_PATH = `/api/v1/jobs/${EXAMPLE_IDS.job}`;

export const JOB_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('JOB_NOT_FOUND', `Job '${EXAMPLE_IDS.job}' does not exist`),
  JOB_PATH,
);

export const JOB_NAME_TAKEN_PROBLEM = problemDocument(
  domainProblem('JOB_NAME_TAKEN', "A job named 'nightly-aggregation' already exists"),
  '/api/v1/jobs',
);

export const JOB_VERSION_MISMATCH_PROBLEM = problemDocument(
  domainProblem('JOB_VERSION_MISMATCH', `Job '${EXAMPLE_IDS.job}' is at version 4, not the expected version 3`),
  JOB_PATH,
);
