import type { RouteHandler } from '@hono/zod-openapi';
import type { ServiceHealth } from '../../../../domain/ports/input/service-health.js';
import type * as routes from './routes.js';

export function health(serviceHealth: ServiceHealth): RouteHandler<typeof routes.health> {
  return async (c) => c.json(await serviceHealth.report(), 200);
}

export const liveness: RouteHandler<typeof routes.liveness> = (c) => c.json({ status: 'ok' }, 200);

export function readiness(serviceHealth: ServiceHealth): RouteHandler<typeof routes.readiness> {
  return async (c) =>
    (await serviceHealth.isReady()) ? c.json({ status: 'ready' }, 200) : c.json({ status: 'not ready' }, 503);
}
