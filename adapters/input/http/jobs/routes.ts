import { createRoute } from '@hono/zod-openapi';
import { JobIdParams } from '../path-params.js';
import {
  INVALID_CONTINUATION_TOKEN_PROBLEM,
  INVALID_JOB_PROBLEM,
  MALFORMED_JSON_PROBLEM,
} from '../problem-examples.js';
import { jsonBody, jsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { JOB_NAME_TAKEN_PROBLEM, JOB_NOT_FOUND_PROBLEM, JOB_VERSION_MISMATCH_PROBLEM } from './job-examples.js';
import { JobDefinitionSchema } from './job-definition.js';
import { JobListSchema, JobSchema } from './job-resource.js';
import { ListJobsQuerySchema } from './list-jobs-query.js';

/** Job definitions, mounted at /api/v1/jobs. */

export const createJob = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create a job definition',
  middleware: jsonBodyChecks,
  request: { body: jsonBody(JobDefinitionSchema) },
  responses: {
    201: jsonResponse(JobSchema, 'The stored job; Location names it'),
    400: problemDoc(
      'Invalid, missing or unknown fields, or malformed JSON',
      INVALID_JOB_PROBLEM,
      MALFORMED_JSON_PROBLEM,
    ),
    409: problemDoc('JOB_NAME_TAKEN', JOB_NAME_TAKEN_PROBLEM),
    ...bodyProblems,
  },
});

export const listJobs = createRoute({
  method: 'get',
  path: '/',
  summary: 'List jobs by name, then id',
  request: { query: ListJobsQuerySchema },
  responses: {
    200: jsonResponse(JobListSchema, 'One page of jobs'),
    400: problemDoc('Bad limit, filter or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
  },
});

export const getJob = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Read one job',
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(JobSchema, 'The job; ETag carries its version'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
  },
});

export const replaceJob = createRoute({
  method: 'put',
  path: '/{id}',
  summary: 'Replace a job definition',
  description: 'With If-Match, the replace happens only if the job is still at that version (else 412).',
  middleware: jsonBodyChecks,
  request: { params: JobIdParams, body: jsonBody(JobDefinitionSchema) },
  responses: {
    200: jsonResponse(JobSchema, 'The replaced job, version + 1'),
    400: problemDoc('Invalid body or If-Match', INVALID_JOB_PROBLEM, MALFORMED_JSON_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc('JOB_NAME_TAKEN', JOB_NAME_TAKEN_PROBLEM),
    412: problemDoc('JOB_VERSION_MISMATCH', JOB_VERSION_MISMATCH_PROBLEM),
    ...bodyProblems,
  },
});

export const deleteJob = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Delete a job definition (its recorded executions stay)',
  request: { params: JobIdParams },
  responses: { 204: { description: 'Deleted' }, 404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM) },
});
