import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Problem examples of the OpenAPI document for backfills: a backfill of `nightly-aggregation`'s nightly ticks. */

const BACKFILL = '7a1c3e5f-9b2d-4f6a-8c0e-2d4f6a8c0e1b';

export const BACKFILL_NEEDS_SCHEDULE_PROBLEM = problemDocument(
  domainProblem('BACKFILL_NEEDS_SCHEDULE', `Job '${EXAMPLE_IDS.job}' has no schedule: a backfill runs the ticks of the job's schedule`),
  `/api/v1/jobs/${EXAMPLE_IDS.job}/backfills`,
);

export const BACKFILL_NOT_FOUND_PROBLEM = problemDocument(
  domainProblem('BACKFILL_NOT_FOUND', `Backfill '${BACKFILL}' does not exist`),
  `/api/v1/backfills/${BACKFILL}`,
);

export const BACKFILL_ENDED_PROBLEM = problemDocument(
  domainProblem('BACKFILL_ENDED', `Backfill '${BACKFILL}' is completed already: there is nothing left to cancel`),
  `/api/v1/backfills/${BACKFILL}/cancel`,
);
