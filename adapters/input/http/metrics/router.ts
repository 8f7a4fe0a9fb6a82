import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import * as handlers from './handlers.js';
import type { MetricsExposition } from './handlers.js';
import * as plainRoutes from './routes.js';

/** Prometheus metrics. Mounted at the root. */
export function createMetricsRouter(exposition: MetricsExposition, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.metrics, access);
  return new OpenAPIHono().openapi(routes.readMetrics, handlers.readMetrics(exposition));
}
