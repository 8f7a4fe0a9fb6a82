import type { RouteHandler } from '@hono/zod-openapi';
import type { JobSavepoints } from '../../../../domain/ports/input/job-savepoints.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { PagePosition } from '../executions/execution-page.js';
import { auditContext } from '../request-context.js';
import { toDisposalResource, toSavepointResource } from './savepoint-resource.js';
import type * as routes from './routes.js';

export function triggerSavepoint(savepoints: JobSavepoints): RouteHandler<typeof routes.triggerSavepoint> {
  return async (c) => {
    const savepoint = await savepoints.triggerSavepoint(c.req.valid('param').id, auditContext(c, 202));
    c.header('Location', `/api/v1/savepoints/${savepoint.id}`);
    return c.json(toSavepointResource(savepoint), 202);
  };
}

export function listSavepoints(savepoints: JobSavepoints, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listSavepoints> {
  return async (c) => {
    const jobId = c.req.valid('param').id;
    const { limit, continuationToken } = c.req.valid('query');
    const filters = { jobId };
    const after = continuationToken ? pageTokens.decode(continuationToken, filters, PagePosition) : undefined;
    const page = await savepoints.listSavepoints(jobId, { limit, after });
    const nextContinuationToken = page.next
      ? pageTokens.encode({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }, filters)
      : null;
    return c.json({ savepoints: page.savepoints.map(toSavepointResource), nextContinuationToken }, 200);
  };
}

export function getSavepoint(savepoints: JobSavepoints): RouteHandler<typeof routes.getSavepoint> {
  return async (c) => c.json(toSavepointResource(await savepoints.getSavepoint(c.req.valid('param').id)), 200);
}

export function disposeSavepoint(savepoints: JobSavepoints): RouteHandler<typeof routes.disposeSavepoint> {
  return async (c) => {
    const disposal = await savepoints.disposeSavepoint(c.req.valid('param').id, auditContext(c, 200));
    return c.json(toDisposalResource(disposal), 200);
  };
}
