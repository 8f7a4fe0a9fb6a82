import { createRoute } from '@hono/zod-openapi';
import { SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM } from '../executions/execution-examples.js';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { JobIdParams } from '../path-params.js';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { noOptionsBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import {
  SAVEPOINT_JOB_NOT_RUNNING_PROBLEM,
  SAVEPOINT_NOT_FOUND_PROBLEM,
  SAVEPOINT_PENDING_PROBLEM,
} from './savepoint-examples.js';
import {
  DisposalSchema,
  ListSavepointsQuerySchema,
  SavepointIdParams,
  SavepointListSchema,
  SavepointSchema,
} from './savepoint-resource.js';

/** The savepoint catalog: savepoints of a job's runs, taken on request, listed and disposed of. Mounted at /api/v1. */

export const triggerSavepoint = createRoute({
  method: 'post',
  path: '/jobs/{id}/savepoints',
  summary: "Take a savepoint of the job's running execution, which keeps running",
  description:
    'The body may be left out; it has no fields. The savepoint goes to the job\'s savepoint folder. The answer is ' +
    'the savepoint PENDING (or FAILED, with Flink\'s cause, when Flink refused it); follow it at the Location until ' +
    'it is COMPLETED or FAILED.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: noOptionsBody },
  responses: {
    202: jsonResponse(SavepointSchema, 'The savepoint, PENDING'),
    400: problemDoc('Bad body'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc(
      'JOB_NOT_RUNNING (no RUNNING execution) or SAVEPOINT_DIR_NOT_CONFIGURED',
      SAVEPOINT_JOB_NOT_RUNNING_PROBLEM,
      SAVEPOINT_DIR_NOT_CONFIGURED_PROBLEM,
    ),
    ...bodyProblems,
  },
});

export const listSavepoints = createRoute({
  method: 'get',
  path: '/jobs/{id}/savepoints',
  summary: "A job's savepoints, newest first",
  request: { params: JobIdParams, query: ListSavepointsQuerySchema },
  responses: {
    200: jsonResponse(SavepointListSchema, 'One page of savepoints'),
    400: problemDoc('Bad limit or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND: the id is malformed or no job ever had it', JOB_NOT_FOUND_PROBLEM),
  },
});

export const getSavepoint = createRoute({
  method: 'get',
  path: '/savepoints/{id}',
  summary: 'A savepoint of the catalog',
  request: { params: SavepointIdParams },
  responses: {
    200: jsonResponse(SavepointSchema, 'The savepoint'),
    404: problemDoc('SAVEPOINT_NOT_FOUND', SAVEPOINT_NOT_FOUND_PROBLEM),
  },
});

export const disposeSavepoint = createRoute({
  method: 'delete',
  path: '/savepoints/{id}',
  summary: 'Dispose of a savepoint',
  description:
    'For a `file:` path the service can reach, its folder is deleted; otherwise the savepoint is only marked ' +
    'DISPOSED and the answer says where the files remain. Disposing of a DISPOSED savepoint answers it as it is.',
  request: { params: SavepointIdParams },
  responses: {
    200: jsonResponse(DisposalSchema, 'The savepoint, DISPOSED, and what became of its files'),
    404: problemDoc('SAVEPOINT_NOT_FOUND', SAVEPOINT_NOT_FOUND_PROBLEM),
    409: problemDoc('SAVEPOINT_PENDING: Flink is still taking it', SAVEPOINT_PENDING_PROBLEM),
  },
});
