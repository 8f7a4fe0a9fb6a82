import { createRoute } from '@hono/zod-openapi';
import { FLINK_REQUEST_FAILED_PROBLEM } from '../exceptions/exception-examples.js';
import { JOB_NOT_FOUND_PROBLEM } from '../jobs/job-examples.js';
import { JobIdParams } from '../path-params.js';
import { optionalJsonBody, optionalJsonBodyChecks } from '../request-body.js';
import { bodyProblems, jsonResponse, problemDoc } from '../responses.js';
import { JAR_DOWNLOAD_FAILED_PROBLEM, JOB_GRAPH_FAILED_PROBLEM, PLAN_FLINK_UNREACHABLE_PROBLEM } from './plan-examples.js';
import { PlanCheckSchema, PlanRequestSchema } from './plan-resource.js';

/** A job's pre-flight check. Mounted at /api/v1. */

export const checkPlan = createRoute({
  method: 'post',
  path: '/jobs/{id}/plan',
  summary: 'Check that a job builds its Flink job graph, without running it',
  description:
    "Fetches the JAR, uploads it unless Flink has it, and has Flink run main() with the job's arguments (placeholders " +
    'resolved as for a run started now) to build the job graph only. Nothing runs and nothing is stored. The body may ' +
    'be left out; with `definition`, that definition is checked in place of the stored one.',
  middleware: optionalJsonBodyChecks,
  request: { params: JobIdParams, body: optionalJsonBody(PlanRequestSchema) },
  responses: {
    200: jsonResponse(PlanCheckSchema, 'The job graph Flink built'),
    400: problemDoc('Invalid body, INVALID_TEMPLATE, or JAR_URL_NOT_ALLOWED'),
    404: problemDoc('JOB_NOT_FOUND', JOB_NOT_FOUND_PROBLEM),
    422: problemDoc(
      "JOB_GRAPH_FAILED (main() threw, or the entry class is missing: the cause), or the JAR cannot be had: " +
        'JAR_DOWNLOAD_FAILED, JAR_TOO_LARGE, JAR_CHECKSUM_MISMATCH',
      JOB_GRAPH_FAILED_PROBLEM,
      JAR_DOWNLOAD_FAILED_PROBLEM,
    ),
    502: problemDoc('FLINK_REQUEST_FAILED: Flink answered with an error', FLINK_REQUEST_FAILED_PROBLEM),
    503: problemDoc('FLINK_UNREACHABLE: no answer from the JobManager', PLAN_FLINK_UNREACHABLE_PROBLEM),
    ...bodyProblems,
  },
});
