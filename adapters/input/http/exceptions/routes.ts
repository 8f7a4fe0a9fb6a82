import { createRoute } from '@hono/zod-openapi';
import { EXECUTION_NOT_FOUND_PROBLEM } from '../executions/execution-examples.js';
import { ExecutionIdParams } from '../path-params.js';
import { jsonResponse, problemDoc } from '../responses.js';
import { FLINK_REQUEST_FAILED_PROBLEM, FLINK_UNREACHABLE_PROBLEM } from './exception-examples.js';
import { ExecutionExceptionsSchema } from './exception-resource.js';

/** What Flink kept of a run's failures. Mounted at /api/v1. */

export const getExecutionExceptions = createRoute({
  method: 'get',
  path: '/executions/{executionId}/exceptions',
  summary: "Flink's exception history of an execution",
  description:
    "Read from Flink's JobManager on each call (its newest 16 entries), the same on Flink 1.20 and 2.x. An " +
    'execution not submitted yet, or whose job Flink no longer keeps, answers an empty list with a `note`.',
  request: { params: ExecutionIdParams },
  responses: {
    200: jsonResponse(ExecutionExceptionsSchema, "The execution's exceptions, newest first"),
    404: problemDoc('EXECUTION_NOT_FOUND', EXECUTION_NOT_FOUND_PROBLEM),
    502: problemDoc('FLINK_REQUEST_FAILED: Flink answered with an error', FLINK_REQUEST_FAILED_PROBLEM),
    503: problemDoc('FLINK_UNREACHABLE: no answer from the JobManager', FLINK_UNREACHABLE_PROBLEM),
  },
});
