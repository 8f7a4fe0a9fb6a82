import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Job } from '../../../domain/entities/job.js';
import type { JobDefinitions } from '../../../domain/ports/input/job-definitions.js';
import type { JobExecutions } from '../../../domain/ports/input/job-executions.js';
import type { JobSchedules } from '../../../domain/ports/input/job-schedules.js';
import { decodeContinuationToken, encodeContinuationToken } from './continuation-token.js';
import {
  JOB_DEFINITION_FIELDS,
  JobDefinitionSchema,
  JobListSchema,
  JobSchema,
  ListJobsQuerySchema,
  toJobResource,
} from './job-schemas.js';
import { JobIdParams } from './path-params.js';
import { HttpProblem, problemDoc } from './problem.js';
import { jsonBody } from './request-body.js';
import { rejectInvalid } from './validation-hook.js';


const jsonDefinition = {
  required: true,
  content: { 'application/json': { schema: JobDefinitionSchema } },
} as const;

const jobResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: JobSchema } },
});

const PagePosition = z.object({ name: z.string(), id: z.uuid() });

/** `"3"` (or weak `W/"3"`) names version 3; `*` matches any existing job. */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(ifMatch);
  if (!match) {
    throw new HttpProblem({
      status: 400,
      code: 'INVALID_IF_MATCH',
      title: 'Invalid If-Match header',
      detail: `If-Match must be an ETag returned by this service, such as "1", got '${ifMatch}'`,
    });
  }
  return Number(match[1]);
}

export function createJobsRouter(
  jobDefinitions: JobDefinitions,
  jobExecutions: Pick<JobExecutions, 'lastExecutions'>,
  jobSchedules: Pick<JobSchedules, 'schedulesFor'>,
) {
  /** Jobs as served: each with a summary of its newest run and its schedule. */
  const withLastExecution = async (jobs: Job[]) => {
    const ids = jobs.map((job) => job.id);
    const [last, schedules] = await Promise.all([jobExecutions.lastExecutions(ids), jobSchedules.schedulesFor(ids)]);
    return jobs.map((job) => toJobResource(job, last.get(job.id), schedules.get(job.id)));
  };

  const router = new OpenAPIHono({
    defaultHook: rejectInvalid([...JOB_DEFINITION_FIELDS, ...Object.keys(ListJobsQuerySchema.shape)]),
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a job definition',
      middleware: jsonBody,
      request: { body: jsonDefinition },
      responses: {
        201: jobResponse('The stored job; Location names it'),
        400: problemDoc('Invalid, missing or unknown fields, or malformed JSON'),
        409: problemDoc('JOB_NAME_TAKEN'),
        413: problemDoc('Body above 1 MiB'),
        415: problemDoc('Body is not JSON'),
      },
    }),
    async (c) => {
      const job = await jobDefinitions.createJob(c.req.valid('json'));
      c.header('Location', `/api/v1/jobs/${job.id}`);
      c.header('ETag', `"${job.version}"`);
      return c.json(toJobResource(job, undefined, undefined), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List jobs by name, then id',
      request: { query: ListJobsQuerySchema },
      responses: {
        200: { description: 'One page of jobs', content: { 'application/json': { schema: JobListSchema } } },
        400: problemDoc('Bad limit, filter or continuation token'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const labels = Object.fromEntries(query.label);
      const filters = { labels: Object.entries(labels).sort(), namePrefix: query.namePrefix ?? null };
      const after = query.continuationToken
        ? decodeContinuationToken(query.continuationToken, filters, PagePosition)
        : undefined;
      const page = await jobDefinitions.listJobs({ limit: query.limit, after, labels, namePrefix: query.namePrefix });
      return c.json(
        {
          jobs: await withLastExecution(page.jobs),
          nextContinuationToken: page.next ? encodeContinuationToken(page.next, filters) : null,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'Read one job',
      request: { params: JobIdParams },
      responses: { 200: jobResponse('The job; ETag carries its version'), 404: problemDoc('JOB_NOT_FOUND') },
    }),
    async (c) => {
      const job = await jobDefinitions.getJob(c.req.valid('param').id);
      c.header('ETag', `"${job.version}"`);
      const [resource] = await withLastExecution([job]);
      return c.json(resource!, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/{id}',
      summary: 'Replace a job definition',
      description: 'With If-Match, the replace happens only if the job is still at that version (else 412).',
      middleware: jsonBody,
      request: { params: JobIdParams, body: jsonDefinition },
      responses: {
        200: jobResponse('The replaced job, version + 1'),
        400: problemDoc('Invalid body or If-Match'),
        404: problemDoc('JOB_NOT_FOUND'),
        409: problemDoc('JOB_NAME_TAKEN'),
        412: problemDoc('JOB_VERSION_MISMATCH'),
        413: problemDoc('Body above 1 MiB'),
        415: problemDoc('Body is not JSON'),
      },
    }),
    async (c) => {
      const version = expectedVersion(c.req.header('If-Match'));
      const job = await jobDefinitions.replaceJob(c.req.valid('param').id, c.req.valid('json'), version);
      c.header('ETag', `"${job.version}"`);
      const [resource] = await withLastExecution([job]);
      return c.json(resource!, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Delete a job definition (its recorded runs stay)',
      request: { params: JobIdParams },
      responses: { 204: { description: 'Deleted' }, 404: problemDoc('JOB_NOT_FOUND') },
    }),
    async (c) => {
      await jobDefinitions.deleteJob(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return router;
}
