import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { JobExecutions } from '../../../domain/ports/input/job-executions.js';
import { decodeContinuationToken, encodeContinuationToken } from './continuation-token.js';
import {
  ExecutionListSchema,
  ExecutionSchema,
  ListExecutionsQuerySchema,
  StartRequestSchema,
  StopRequestSchema,
  toExecutionResource,
} from './execution-schemas.js';
import { ExecutionIdParams, JobIdParams } from './path-params.js';
import { problemDoc } from './problem.js';
import { limitBody, optionalJsonBody } from './request-body.js';
import { rejectInvalid } from './validation-hook.js';


const executionResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ExecutionSchema } },
});

const PagePosition = z.object({ createdAt: z.iso.datetime().transform((value) => new Date(value)), id: z.uuid() });
const START_FIELDS = Object.keys(StartRequestSchema.shape);
const STOP_FIELDS = Object.keys(StopRequestSchema.shape);

/** Starting and stopping runs of a job, and reading their history. Mounted at /api/v1. */
export function createExecutionsRouter(jobExecutions: JobExecutions) {
  const router = new OpenAPIHono({ defaultHook: rejectInvalid(Object.keys(ListExecutionsQuerySchema.shape)) });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{id}/start',
      summary: 'Run a job now',
      description:
        'Optional JSON body: `{"savepointPath"?: string, "allowNonRestoredState"?: boolean, "fromLastSavepoint"?: true}`. ' +
        'The run goes on in the background: follow it at the Location.',
      middleware: [limitBody],
      request: { params: JobIdParams },
      responses: {
        202: executionResponse('The new run, PENDING'),
        400: problemDoc('Invalid body'),
        404: problemDoc('JOB_NOT_FOUND'),
        409: problemDoc('JOB_ALREADY_RUNNING (names the active run) or NO_SAVEPOINT'),
        415: problemDoc('Body is not JSON'),
      },
    }),
    async (c) => {
      const options = await optionalJsonBody(c, StartRequestSchema, START_FIELDS);
      const execution = await jobExecutions.startJob(c.req.valid('param').id, options);
      c.header('Location', `/api/v1/executions/${execution.id}`);
      return c.json(toExecutionResource(execution), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{id}/stop',
      summary: 'Stop the active run of a job',
      description:
        'Optional JSON body: `{"mode"?: "savepoint" | "cancel", "drain"?: boolean}`. Default: a savepoint when a ' +
        'savepoint folder is configured, else cancel. A savepoint that does not complete in STOP_TIMEOUT_SECONDS ' +
        'falls back to cancel.',
      middleware: [limitBody],
      request: { params: JobIdParams },
      responses: {
        202: executionResponse('The run being stopped, STOPPING'),
        400: problemDoc('Invalid body'),
        404: problemDoc('JOB_NOT_FOUND'),
        409: problemDoc('JOB_NOT_RUNNING or SAVEPOINT_DIR_NOT_CONFIGURED'),
        415: problemDoc('Body is not JSON'),
      },
    }),
    async (c) => {
      const options = await optionalJsonBody(c, StopRequestSchema, STOP_FIELDS);
      const execution = await jobExecutions.stopJob(c.req.valid('param').id, options);
      c.header('Location', `/api/v1/executions/${execution.id}`);
      return c.json(toExecutionResource(execution), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/{id}/executions',
      summary: "A job's runs, newest first",
      request: { params: JobIdParams, query: ListExecutionsQuerySchema },
      responses: {
        200: { description: 'One page of runs', content: { 'application/json': { schema: ExecutionListSchema } } },
        400: problemDoc('Bad limit, status or continuation token'),
        404: problemDoc('JOB_NOT_FOUND (malformed id)'),
      },
    }),
    async (c) => {
      const jobId = c.req.valid('param').id;
      const query = c.req.valid('query');
      const filters = { jobId, status: query.status ?? null };
      const after = query.continuationToken
        ? decodeContinuationToken(query.continuationToken, filters, PagePosition)
        : undefined;
      const page = await jobExecutions.listExecutions(jobId, { limit: query.limit, after, status: query.status });
      return c.json(
        {
          executions: page.executions.map(toExecutionResource),
          nextContinuationToken: page.next
            ? encodeContinuationToken({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }, filters)
            : null,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/executions/{executionId}/retry',
      summary: 'Try a failed run again now',
      description:
        'Starts a new run of the job with trigger `retry`, the next attempt number and the failed run\'s ' +
        '`scheduledFor`, whatever the retry policy says. Follow it at the Location.',
      request: { params: ExecutionIdParams },
      responses: {
        202: executionResponse('The new run, PENDING'),
        404: problemDoc('EXECUTION_NOT_FOUND, or JOB_NOT_FOUND when its job was deleted'),
        409: problemDoc('EXECUTION_NOT_FAILED, EXECUTION_ALREADY_RETRIED (names the retry) or JOB_ALREADY_RUNNING'),
      },
    }),
    async (c) => {
      const execution = await jobExecutions.retryExecution(c.req.valid('param').executionId);
      c.header('Location', `/api/v1/executions/${execution.id}`);
      return c.json(toExecutionResource(execution), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/executions/{executionId}',
      summary: 'One run',
      request: { params: ExecutionIdParams },
      responses: { 200: executionResponse('The run'), 404: problemDoc('EXECUTION_NOT_FOUND') },
    }),
    async (c) => c.json(toExecutionResource(await jobExecutions.getExecution(c.req.valid('param').executionId)), 200),
  );

  return router;
}
