import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument, validationProblem } from '../problem.js';

/** Examples of the OpenAPI document for schedules: `nightly-aggregation` every night at 03:00 in Berlin. */

export const SCHEDULE_REQUEST_EXAMPLE = {
  cron: '0 0 3 * * *',
  timezone: 'Europe/Berlin',
  overlapPolicy: 'buffer_one',
  catchupWindowSeconds: 600,
};

export const SCHEDULE_EXAMPLE = {
  jobId: EXAMPLE_IDS.job,
  ...SCHEDULE_REQUEST_EXAMPLE,
  jitterSeconds: 0,
  startAt: null,
  endAt: null,
  paused: false,
  pauseNote: null,
  remainingRuns: null,
  pauseAfterFailures: 3,
  deadlineSeconds: 3600,
  ended: false,
  endedReason: null,
  nextRunTimes: [
    '2026-11-25T02:00:00.000Z',
    '2026-11-26T02:00:00.000Z',
    '2026-11-27T02:00:00.000Z',
    '2026-11-28T02:00:00.000Z',
    '2026-11-29T02:00:00.000Z',
  ],
  lastRunAt: '2026-11-24T02:00:00.000Z',
  counters: { runsStarted: 12, ticksSkipped: 1, ticksMissed: 0, deadlinesMissed: 0, consecutiveFailures: 0 },
  createdAt: '2026-11-12T09:30:00.000Z',
  updatedAt: '2026-11-12T09:30:00.000Z',
  version: 1,
};

export const SCHEDULE_ALREADY_TRIGGERED_PROBLEM = problemDocument(
  domainProblem(
    'SCHEDULE_ALREADY_TRIGGERED',
    `The schedule of job '${EXAMPLE_IDS.job}' was triggered already at 2026-11-24T10:00:00.000Z; try again`,
  ),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/schedule/trigger`,
);

export const PAUSE_REQUEST_EXAMPLE = { note: 'Kafka cluster maintenance until 2026-11-25' };

export const SCHEDULE_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('SCHEDULE_NOT_FOUND', `Job '${EXAMPLE_IDS.job}' has no schedule`),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/schedule`,
);

export const INVALID_SCHEDULE_PROBLEM = problemDocument(
  validationProblem([{ path: 'cron', message: 'value 25 is out of range for hours (0-23)' }]),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/schedule`,
);
