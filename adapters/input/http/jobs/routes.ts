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
import { JobChangeSchema, JobListSchema, JobSchema } from './job-resource.js';
import { PLAN_PROBLEMS, UPGRADE_CONFLICTS } from '../upgrades/upgrade-docs.js';
import { ChangeQuerySchema } from '../upgrades/upgrade-resource.js';
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
  summary: 'Replace a job definition, and upgrade its running run to it when asked',
  description:
    'With If-Match, the replace happens only if the job is still at that version (else 412). A run under way goes on ' +
    'with its version (`activeRun` and `notice` say so) unless `upgrade` asks to move it to the new one: the new ' +
    "version's job graph is checked on Flink first (422 JOB_GRAPH_FAILED stores nothing), then the old run is stopped " +
    'and the new version started from its state; `upgrade` links to the upgrade, which goes on in the background.',
  middleware: jsonBodyChecks,
  request: { params: JobIdParams, query: ChangeQuerySchema, body: jsonBody(JobDefinitionSchema) },
  responses: {
    200: jsonResponse(JobChangeSchema, 'The replaced job, version + 1, with the upgrade it started'),
    400: problemDoc('Invalid body, upgrade mode or If-Match', INVALID_JOB_PROBLEM, MALFORMED_JSON_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    409: problemDoc(`JOB_NAME_TAKEN, or ${UPGRADE_CONFLICTS.description}`, JOB_NAME_TAKEN_PROBLEM, ...UPGRADE_CONFLICTS.examples),
    412: problemDoc('JOB_VERSION_MISMATCH', JOB_VERSION_MISMATCH_PROBLEM),
    ...PLAN_PROBLEMS,
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
