import { createRoute } from '@hono/zod-openapi';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { ExecutionIdParams, JobIdParams } from '../path-params.js';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { noOptionsBody, optionalJsonBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import {
  EXECUTION_ALREADY_RETRIED_PROBLEM,
  EXECUTION_NOT_FAILED_PROBLEM,
  EXECUTION_NOT_FOUND_PROBLEM,
  JOB_ALREADY_RUNNING_PROBLEM,
  JOB_CHANGED_PROBLEM,
  JOB_NOT_RUNNING_PROBLEM,
  NO_SAVEPOINT_PROBLEM,
  SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM,
} from './execution-examples.js';
import { ListAllExecutionsQuerySchema, ListExecutionsQuerySchema, StartRequestSchema, StopRequestSchema } from './execution-requests.js';
import { ExecutionListSchema, ExecutionSchema } from './execution-resource.js';
import { PurgeRequestSchema, PurgeResultSchema } from './purge.js';

/** Starting and stopping executions of a job, and reading their history. Mounted at /api/v1. */

export const startJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/start',
  summary: 'Start an execution of a job now',
  description: 'The body may be left out. The execution goes on in the background: follow it at the Location.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: optionalJsonBody(StartRequestSchema) },
  responses: {
    202: jsonResponse(ExecutionSchema, 'The new execution, PENDING'),
    400: problemDoc('Invalid body'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc(
      'JOB_ALREADY_RUNNING (names the active execution), NO_SAVEPOINT, or JOB_CHANGED (the job or its schedule ' +
        'kept changing while the start stored its run: nothing was started, and trying again is safe)',
      JOB_ALREADY_RUNNING_PROBLEM,
      NO_SAVEPOINT_PROBLEM,
      JOB_CHANGED_PROBLEM,
    ),
    ...bodyProblems,
  },
});

export const stopJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/stop',
  summary: 'Stop the active execution of a job',
  description:
    'The body may be left out. Default mode: a savepoint when a savepoint folder is configured, else cancel. ' +
    'A savepoint that does not complete in STOP_TIMEOUT_SECONDS falls back to cancel.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: optionalJsonBody(StopRequestSchema) },
  responses: {
    202: jsonResponse(ExecutionSchema, 'The execution being stopped, STOPPING'),
    400: problemDoc('Invalid body'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc(
      'JOB_NOT_RUNNING or SAVEPOINT_DIR_NOT_CONFIGURED',
      JOB_NOT_RUNNING_PROBLEM,
      SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM,
    ),
    ...bodyProblems,
  },
});

export const listExecutions = createRoute({
  method: 'get',
  path: '/jobs/{id}/executions',
  summary: "A job's executions, newest first",
  request: { params: JobIdParams, query: ListExecutionsQuerySchema },
  responses: {
    200: jsonResponse(ExecutionListSchema, 'One page of executions'),
    400: problemDoc('Bad limit, status or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND: the id is malformed or no job ever had it', JOB_NOT_FOUND_PROBLEM),
  },
});

export const listAllExecutions = createRoute({
  method: 'get',
  path: '/executions',
  summary: 'Executions of all jobs, newest first',
  description:
    'Every filter given must hold: `status` (repeat it for any of several), `trigger`, `jobId`, `label` ' +
    '(`key:value` of the job, repeat it to require several), `since` (created at or after) and `until` (created ' +
    "before). Paged like the other lists; pass `nextContinuationToken` back with the same filters. Deleted jobs' " +
    'executions are listed too.',
  request: { query: ListAllExecutionsQuerySchema },
  responses: {
    200: jsonResponse(ExecutionListSchema, 'One page of executions'),
    400: problemDoc('VALIDATION_FAILED (a bad filter or limit) or INVALID_CONTINUATION_TOKEN'),
  },
});

export const retryExecution = createRoute({
  method: 'post',
  path: '/executions/{executionId}/retry',
  summary: 'Try a failed execution again now',
  description:
    'Starts a new execution of the job with trigger `retry`, the next attempt number and the failed ' +
    "execution's `scheduledFor`, whatever the retry policy says. Follow it at the Location. The body may be " +
    'left out; it has no fields.',
  middleware: optionalJsonBodyChecks,
  request: { params: ExecutionIdParams, body: noOptionsBody },
  responses: {
    202: jsonResponse(ExecutionSchema, 'The new execution, PENDING'),
    400: problemDoc('Bad body'),
    404: problemDoc(
      'EXECUTION_NOT_FOUND, or JOB_NOT_FOUND when its job was deleted',
      EXECUTION_NOT_FOUND_PROBLEM,
      JOB_NOT_FOUND_PROBLEM,
    ),
    409: problemDoc(
      'EXECUTION_NOT_FAILED, EXECUTION_ALREADY_RETRIED (names the retry) or JOB_ALREADY_RUNNING',
      EXECUTION_NOT_FAILED_PROBLEM,
      EXECUTION_ALREADY_RETRIED_PROBLEM,
      JOB_ALREADY_RUNNING_PROBLEM,
    ),
    ...bodyProblems,
  },
});

export const getExecution = createRoute({
  method: 'get',
  path: '/executions/{executionId}',
  summary: 'One execution',
  request: { params: ExecutionIdParams },
  responses: {
    200: jsonResponse(ExecutionSchema, 'The execution'),
    404: problemDoc('EXECUTION_NOT_FOUND', EXECUTION_NOT_FOUND_PROBLEM),
  },
});

export const purgeExecutions = createRoute({
  method: 'post',
  path: '/executions/purge',
  summary: 'Remove finished executions',
  description:
    'Removes finished executions (SUCCEEDED, FAILED, STOPPED, SKIPPED) created before `before`, of one job or ' +
    "all. Never an active or QUEUED one, nor, of a live job, its newest execution, its newest that was not " +
    'SKIPPED, or its newest savepoint. The body may be left out: then every such execution goes. Recorded in ' +
    'the audit trail (also a dry run).',
  middleware: optionalJsonBodyChecks,
  request: { body: optionalJsonBody(PurgeRequestSchema) },
  responses: {
    200: jsonResponse(PurgeResultSchema, 'How many executions were removed (or would be)'),
    400: problemDoc('VALIDATION_FAILED: a bad field, or `before` in the future'),
    404: problemDoc('JOB_NOT_FOUND: no job ever had the jobId', JOB_NOT_FOUND_PROBLEM),
    ...bodyProblems,
  },
});
