import { createRoute } from '@hono/zod-openapi';
import { BackfillIdParams, JobIdParams } from '../path-params.js';
import { jsonBody, jsonBodyChecks, noOptionsBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { BACKFILL_ENDED_PROBLEM, BACKFILL_NEEDS_SCHEDULE_PROBLEM, BACKFILL_NOT_FOUND_PROBLEM } from './backfill-examples.js';
import { BackfillRequestSchema } from './backfill-requests.js';
import { BackfillListSchema, BackfillPlanSchema, BackfillSchema } from './backfill-resource.js';

/** Backfills: a job's past ticks run again. Mounted at /api/v1. */

export const createBackfill = createRoute({
  method: 'post',
  path: '/jobs/{id}/backfills',
  summary: "Run a job's past schedule ticks again",
  description:
    "The ticks are the job's cron ticks, in its schedule's zone, whose data interval (from the tick before to the " +
    'tick) lies within [from, to]. With `dryRun`, the answer (200) lists them and nothing is stored; otherwise the ' +
    'backfill is stored (201) and runs them, oldest first, at most `maxActive` at once.',
  middleware: jsonBodyChecks,
  request: { params: JobIdParams, body: jsonBody(BackfillRequestSchema) },
  responses: {
    200: jsonResponse(BackfillPlanSchema, 'Dry run: the ticks it would run'),
    201: jsonResponse(BackfillPlanSchema, 'The backfill as stored, with the ticks it runs'),
    400: problemDoc('VALIDATION_FAILED (bad from, to, reprocess or maxActive) or BACKFILL_TOO_LARGE (names the count)'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc('BACKFILL_NEEDS_SCHEDULE: the job has no schedule', BACKFILL_NEEDS_SCHEDULE_PROBLEM),
    ...bodyProblems,
  },
});

export const listBackfills = createRoute({
  method: 'get',
  path: '/jobs/{id}/backfills',
  summary: "A job's backfills, newest first",
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(BackfillListSchema, 'The backfills with their progress'),
    404: problemDoc('JOB_NOT_FOUND: the id is malformed or no job ever had it', JOB_NOT_FOUND_PROBLEM),
  },
});

export const getBackfill = createRoute({
  method: 'get',
  path: '/backfills/{id}',
  summary: 'A backfill, its runs counted by status, and its progress',
  request: { params: BackfillIdParams },
  responses: { 200: jsonResponse(BackfillSchema, 'The backfill'), 404: problemDoc('BACKFILL_NOT_FOUND', BACKFILL_NOT_FOUND_PROBLEM) },
});

export const cancelBackfill = createRoute({
  method: 'post',
  path: '/backfills/{id}/cancel',
  summary: 'Stop a backfill from creating runs',
  description:
    'The body may be left out; it has no fields. Runs already created go on (stop them like any run); ticks without ' +
    'a run get none. Cancelling a cancelled backfill answers it as it is.',
  middleware: optionalJsonBodyChecks,
  request: { params: BackfillIdParams, body: noOptionsBody },
  responses: {
    200: jsonResponse(BackfillSchema, 'The backfill, cancelled'),
    400: problemDoc('Bad body'),
    404: problemDoc('BACKFILL_NOT_FOUND', BACKFILL_NOT_FOUND_PROBLEM),
    409: problemDoc('BACKFILL_ENDED: it completed already', BACKFILL_ENDED_PROBLEM),
    ...bodyProblems,
  },
});
