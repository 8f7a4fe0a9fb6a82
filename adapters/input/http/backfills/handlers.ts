import type { RouteHandler } from '@hono/zod-openapi';
import type { JobBackfills } from '../../../../domain/ports/input/job-backfills.js';
import { auditContext } from '../request-context.js';
import { toBackfillPlan, toBackfillResource } from './backfill-resource.js';
import type * as routes from './routes.js';

export function createBackfill(backfills: JobBackfills): RouteHandler<typeof routes.createBackfill> {
  return async (c) => {
    const request = c.req.valid('json');
    const status = request.dryRun ? 200 : 201;
    const plan = await backfills.createBackfill(c.req.valid('param').id, request, auditContext(c, status));
    return c.json(toBackfillPlan(plan), status);
  };
}

export function listBackfills(backfills: JobBackfills): RouteHandler<typeof routes.listBackfills> {
  return async (c) => {
    const list = await backfills.listBackfills(c.req.valid('param').id);
    return c.json({ backfills: list.map(toBackfillResource) }, 200);
  };
}

export function getBackfill(backfills: JobBackfills): RouteHandler<typeof routes.getBackfill> {
  return async (c) => c.json(toBackfillResource(await backfills.getBackfill(c.req.valid('param').id)), 200);
}

export function cancelBackfill(backfills: JobBackfills): RouteHandler<typeof routes.cancelBackfill> {
  return async (c) => {
    const backfill = await backfills.cancelBackfill(c.req.valid('param').id, auditContext(c, 200));
    return c.json(toBackfillResource(backfill), 200);
  };
}
