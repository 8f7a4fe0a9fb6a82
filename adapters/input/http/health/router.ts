import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ServiceHealth } from '../../../../domain/ports/input/service-health.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** Health report and probes. Mounted at the root. */
export function createHealthRouter(serviceHealth: ServiceHealth, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.health, access);
  return new OpenAPIHono()
    .openapi(routes.health, handlers.health(serviceHealth))
    .openapi(routes.liveness, handlers.liveness)
    .openapi(routes.readiness, handlers.readiness(serviceHealth));
}
