import { OpenAPIHono } from '@hono/zod-openapi';
import type { ServiceHealth } from '../../../../domain/ports/input/service-health.js';
import * as handlers from './handlers.js';
import * as routes from './routes.js';

/** Health report and probes. Mounted at the root. */
export function createHealthRouter(serviceHealth: ServiceHealth) {
  return new OpenAPIHono()
    .openapi(routes.health, handlers.health(serviceHealth))
    .openapi(routes.liveness, handlers.liveness)
    .openapi(routes.readiness, handlers.readiness(serviceHealth));
}
