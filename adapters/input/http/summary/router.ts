import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { RunOverview } from '../../../../domain/ports/input/run-overview.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** The service at a glance. Mounted at /api/v1. */
export function createSummaryRouter(overview: RunOverview, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.summary, access);
  return new OpenAPIHono().openapi(routes.readSummary, handlers.readSummary(overview));
}
