import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ServiceHealth } from '../../../domain/ports/input/service-health.js';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'error']),
    flink: z.object({
      reachable: z.boolean(),
      version: z.string().nullable(),
      slotsAvailable: z.number().int().nullable(),
    }),
    version: z.string(),
  })
  .openapi('Health');

const ProbeSchema = z.object({ status: z.string() });

export function createHealthRouter(health: ServiceHealth) {
  const router = new OpenAPIHono();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      summary: 'Dependencies at a glance (always 200; read `status`)',
      responses: { 200: { description: 'Health report', content: { 'application/json': { schema: HealthSchema } } } },
    }),
    async (c) => c.json(await health.report(), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/livez',
      summary: 'Liveness probe: the process is up',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: ProbeSchema } } } },
    }),
    (c) => c.json({ status: 'ok' }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness probe: the database answers and its schema is current',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: ProbeSchema } } },
        503: { description: 'Not ready', content: { 'application/json': { schema: ProbeSchema } } },
      },
    }),
    async (c) => ((await health.isReady()) ? c.json({ status: 'ready' }, 200) : c.json({ status: 'not ready' }, 503)),
  );

  return router;
}
