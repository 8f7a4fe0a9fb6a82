import { createRoute } from '@hono/zod-openapi';
import { JOB_NOT_FOUND_PROBLEM, JOB_NAME_TAKEN_PROBLEM, JOB_VERSION_MISMATCH_PROBLEM } from '../jobs/job-examples.js';
import { JobChangeSchema } from '../jobs/job-resource.js';
import { PLAN_PROBLEMS, UPGRADE_CONFLICTS } from '../upgrades/upgrade-docs.js';
import { ChangeQuerySchema } from '../upgrades/upgrade-resource.js';
import { JobIdParams } from '../path-params.js';
import { INVALID_CONTINUATION_TOKEN_PROBLEM } from '../problem-examples.js';
import { jsonBody, jsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { JOB_VERSION_NOT_FOUND_PROBLEM } from './version-examples.js';
import {
  JobVersionListSchema,
  JobVersionSchema,
  ListVersionsQuerySchema,
  RollbackRequestSchema,
  VersionParams,
} from './version-resource.js';

/** Every definition a job had, and going back to one. Mounted at /api/v1. */

export const listVersions = createRoute({
  method: 'get',
  path: '/jobs/{id}/versions',
  summary: "A job's versions, newest first",
  description: 'Each create, replace and rollback stores one. A deleted job has none.',
  request: { params: JobIdParams, query: ListVersionsQuerySchema },
  responses: {
    200: jsonResponse(JobVersionListSchema, 'One page of versions'),
    400: problemDoc('Bad limit or continuation token', INVALID_CONTINUATION_TOKEN_PROBLEM),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
  },
});

export const getVersion = createRoute({
  method: 'get',
  path: '/jobs/{id}/versions/{version}',
  summary: "A job's definition as it was at one version",
  request: { params: VersionParams },
  responses: {
    200: jsonResponse(JobVersionSchema, 'The version'),
    400: problemDoc('VALIDATION_FAILED: the version is not a positive integer'),
    404: problemDoc('JOB_NOT_FOUND or JOB_VERSION_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, JOB_VERSION_NOT_FOUND_PROBLEM),
  },
});

export const rollbackJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/rollback',
  summary: "Store an earlier version's definition as the job's next version",
  description:
    'The job goes to its current version + 1, with the definition of `version`: audited and announced (job.replaced) ' +
    'as a replace is. With If-Match, only if the job is still at that version (else 412). A run under way goes on ' +
    'with the version it started with (later runs use the new one), unless `upgrade` asks to move it to the new ' +
    'version, as a replace with `upgrade` does.',
  middleware: jsonBodyChecks,
  request: { params: JobIdParams, query: ChangeQuerySchema, body: jsonBody(RollbackRequestSchema) },
  responses: {
    200: jsonResponse(JobChangeSchema, 'The job at its new version (ETag carries it), with the upgrade it started'),
    400: problemDoc('Invalid body or If-Match, or the old definition is refused now (JAR_URL_NOT_ALLOWED)'),
    404: problemDoc('JOB_NOT_FOUND or JOB_VERSION_NOT_FOUND', JOB_NOT_FOUND_PROBLEM, JOB_VERSION_NOT_FOUND_PROBLEM),
    409: problemDoc(
      `JOB_NAME_TAKEN (another job has the old version's name now), or ${UPGRADE_CONFLICTS.description}`,
      JOB_NAME_TAKEN_PROBLEM,
      ...UPGRADE_CONFLICTS.examples,
    ),
    412: problemDoc('JOB_VERSION_MISMATCH', JOB_VERSION_MISMATCH_PROBLEM),
    ...PLAN_PROBLEMS,
    ...bodyProblems,
  },
});
