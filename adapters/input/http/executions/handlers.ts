import { z, type RouteHandler } from '@hono/zod-openapi';
import type { ExecutionRetention } from '../../../../domain/ports/input/execution-retention.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { RunOverview } from '../../../../domain/ports/input/run-overview.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { auditContext } from '../request-context.js';
import { PagePosition, readExecutionPage, withNextToken } from './execution-page.js';
import { locationOf, type ExecutionRepresentation } from './execution-resource.js';
import type * as routes from './routes.js';

export function startJob(jobExecutions: JobExecutions, show: ExecutionRepresentation): RouteHandler<typeof routes.startJob> {
  return async (c) => {
    const execution = await jobExecutions.startJob(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(show(execution), 202);
  };
}

export function stopJob(jobExecutions: JobExecutions, show: ExecutionRepresentation): RouteHandler<typeof routes.stopJob> {
  return async (c) => {
    const execution = await jobExecutions.stopJob(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(show(execution), 202);
  };
}

export function listExecutions(
  jobExecutions: JobExecutions,
  pageTokens: ContinuationTokens,
  show: ExecutionRepresentation,
): RouteHandler<typeof routes.listExecutions> {
  return async (c) => {
    const page = await readExecutionPage(jobExecutions, pageTokens, c.req.valid('param').id, c.req.valid('query'));
    return c.json({ executions: page.executions.map(show), nextContinuationToken: page.nextContinuationToken }, 200);
  };
}

export function listAllExecutions(
  overview: RunOverview,
  pageTokens: ContinuationTokens,
  show: ExecutionRepresentation,
): RouteHandler<typeof routes.listAllExecutions> {
  return async (c) => {
    const { limit, continuationToken, status, label, trigger, jobId, since, until } = c.req.valid('query');
    const search = {
      statuses: [...new Set(status)].sort(),
      trigger,
      jobId,
      labels: Object.fromEntries(label),
      since: since === undefined ? undefined : new Date(since),
      until: until === undefined ? undefined : new Date(until),
    };
    // The same filters written otherwise (order, repeats, offsets) take the same tokens.
    const filters = {
      ...search,
      labels: Object.entries(search.labels).sort(),
      since: search.since?.toISOString() ?? null,
      until: search.until?.toISOString() ?? null,
      trigger: trigger ?? null,
      jobId: jobId ?? null,
    };
    const after = continuationToken ? pageTokens.decode(continuationToken, filters, PagePosition) : undefined;
    const page = await overview.listRuns({ ...search, limit, after });
    const { executions, nextContinuationToken } = withNextToken(page, pageTokens, filters);
    return c.json({ executions: executions.map(show), nextContinuationToken }, 200);
  };
}

export function retryExecution(jobExecutions: JobExecutions, show: ExecutionRepresentation): RouteHandler<typeof routes.retryExecution> {
  return async (c) => {
    const execution = await jobExecutions.retryExecution(c.req.valid('param').executionId, auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(show(execution), 202);
  };
}

export function getExecution(jobExecutions: JobExecutions, show: ExecutionRepresentation): RouteHandler<typeof routes.getExecution> {
  return async (c) => {
    const execution = await jobExecutions.getExecution(c.req.valid('param').executionId);
    return c.json(show(execution), 200);
  };
}

export function purgeExecutions(retention: ExecutionRetention): RouteHandler<typeof routes.purgeExecutions> {
  return async (c) => {
    const { before, ...rest } = c.req.valid('json');
    const request = { ...rest, ...(before === undefined ? {} : { before: new Date(before) }) };
    return c.json(await retention.purge(request, auditContext(c, 200)), 200);
  };
}
