import { z, type RouteHandler } from '@hono/zod-openapi';
import type { ExecutionRetention } from '../../../../domain/ports/input/execution-retention.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { storableInstant } from '../instant.js';
import { auditContext } from '../request-context.js';
import { locationOf, toExecutionResource } from './execution-resource.js';
import type * as routes from './routes.js';

export function startJob(jobExecutions: JobExecutions): RouteHandler<typeof routes.startJob> {
  return async (c) => {
    const execution = await jobExecutions.startJob(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(toExecutionResource(execution), 202);
  };
}

export function stopJob(jobExecutions: JobExecutions): RouteHandler<typeof routes.stopJob> {
  return async (c) => {
    const execution = await jobExecutions.stopJob(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(toExecutionResource(execution), 202);
  };
}

const PagePosition = z.object({ createdAt: storableInstant.transform((value) => new Date(value)), id: z.uuid() });

export function listExecutions(
  jobExecutions: JobExecutions,
  pageTokens: ContinuationTokens,
): RouteHandler<typeof routes.listExecutions> {
  return async (c) => {
    const jobId = c.req.valid('param').id;
    const query = c.req.valid('query');
    const filters = { jobId, status: query.status ?? null };
    const after = query.continuationToken
      ? pageTokens.decode(query.continuationToken, filters, PagePosition)
      : undefined;
    const page = await jobExecutions.listExecutions(jobId, { limit: query.limit, after, status: query.status });
    const nextContinuationToken = page.next
      ? pageTokens.encode({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }, filters)
      : null;
    return c.json({ executions: page.executions.map(toExecutionResource), nextContinuationToken }, 200);
  };
}

export function retryExecution(jobExecutions: JobExecutions): RouteHandler<typeof routes.retryExecution> {
  return async (c) => {
    const execution = await jobExecutions.retryExecution(c.req.valid('param').executionId, auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(toExecutionResource(execution), 202);
  };
}

export function getExecution(jobExecutions: JobExecutions): RouteHandler<typeof routes.getExecution> {
  return async (c) => {
    const execution = await jobExecutions.getExecution(c.req.valid('param').executionId);
    return c.json(toExecutionResource(execution), 200);
  };
}

export function purgeExecutions(retention: ExecutionRetention): RouteHandler<typeof routes.purgeExecutions> {
  return async (c) => {
    const { before, ...rest } = c.req.valid('json');
    const request = { ...rest, ...(before === undefined ? {} : { before: new Date(before) }) };
    return c.json(await retention.purge(request, auditContext(c, 200)), 200);
  };
}
