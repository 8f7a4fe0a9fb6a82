import { createRoute } from '@hono/zod-openapi';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { JobIdParams } from '../path-params.js';
import { jsonBody, jsonBodyChecks, noOptionsBody, optionalJsonBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { INVALID_SCHEDULE_PROBLEM, SCHEDULE_ALREADY_TRIGGERED_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM } from './schedule-examples.js';
import { PauseRequestSchema, ScheduleRequestSchema } from './schedule-requests.js';
import { ScheduleSchema } from './schedule-resource.js';
import { ExecutionSchema } from '../executions/execution-resource.js';

/** A job's cron schedule. Mounted at /api/v1. */

export const setSchedule = createRoute({
  method: 'post',
  path: '/jobs/{id}/schedule',
  summary: "Set (or replace) a job's cron schedule",
  middleware: jsonBodyChecks,
  request: { params: JobIdParams, body: jsonBody(ScheduleRequestSchema) },
  responses: {
    200: jsonResponse(ScheduleSchema, 'The schedule with its next fire times (up to five)'),
    400: problemDoc('Bad cron, time zone, dates or numbers', INVALID_SCHEDULE_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const getSchedule = createRoute({
  method: 'get',
  path: '/jobs/{id}/schedule',
  summary: "A job's schedule, next fire times and counters",
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(ScheduleSchema, 'The schedule'),
    404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM),
  },
});

export const deleteSchedule = createRoute({
  method: 'delete',
  path: '/jobs/{id}/schedule',
  summary: "Remove a job's schedule",
  request: { params: JobIdParams },
  responses: {
    204: { description: 'Removed' },
    404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM),
  },
});

export const pauseSchedule = createRoute({
  method: 'post',
  path: '/jobs/{id}/schedule/pause',
  summary: 'Pause a schedule',
  description: 'The body may be left out.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: optionalJsonBody(PauseRequestSchema) },
  responses: {
    200: jsonResponse(ScheduleSchema, 'The paused schedule'),
    400: problemDoc('Bad body'),
    404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const resumeSchedule = createRoute({
  method: 'post',
  path: '/jobs/{id}/schedule/resume',
  summary: 'Resume a paused schedule; ticks that fell in the pause do not fire',
  description: 'The body may be left out; it has no fields.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: noOptionsBody },
  responses: {
    200: jsonResponse(ScheduleSchema, 'The running schedule'),
    400: problemDoc('Bad body'),
    404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});

export const triggerSchedule = createRoute({
  method: 'post',
  path: '/jobs/{id}/schedule/trigger',
  summary: 'Fire a tick of the schedule now, paused or not',
  description:
    'The body may be left out; it has no fields. The run is a tick at the time of the request (its scheduledFor): ' +
    'the overlap policy applies, and it uses up one of remainingRuns. Follow it at the Location.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: noOptionsBody },
  responses: {
    202: jsonResponse(ExecutionSchema, "The tick's run: PENDING or QUEUED, or SKIPPED when the overlap policy skips it"),
    400: problemDoc('Bad body'),
    404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, SCHEDULE_NOT_FOUND_PROBLEM),
    409: problemDoc('SCHEDULE_ALREADY_TRIGGERED: a trigger in the same millisecond', SCHEDULE_ALREADY_TRIGGERED_PROBLEM),
    ...bodyProblems,
  },
});
