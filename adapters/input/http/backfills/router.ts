import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { JobBackfills } from '../../../../domain/ports/input/job-backfills.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** Backfills: a job's past ticks run again. Mounted at /api/v1. */
export function createBackfillsRouter(backfills: JobBackfills, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.backfills, access);
  return new OpenAPIHono()
    .openapi(routes.createBackfill, handlers.createBackfill(backfills), rejectInvalid(routes.createBackfill))
    .openapi(routes.listBackfills, handlers.listBackfills(backfills), rejectInvalid(routes.listBackfills))
    .openapi(routes.getBackfill, handlers.getBackfill(backfills), rejectInvalid(routes.getBackfill))
    .openapi(routes.cancelBackfill, handlers.cancelBackfill(backfills), rejectInvalid(routes.cancelBackfill));
}
