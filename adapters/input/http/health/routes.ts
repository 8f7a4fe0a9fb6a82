import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse } from '../responses.js';

/** Health and probes, mounted at the root. */

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
  .openapi('Health', {
    example: { status: 'ok', database: 'ok', flink: { reachable: true, version: '1.20.5', slotsAvailable: 4 }, version: '0.1.0' },
  });

const probeSchema = (status: string) => z.object({ status: z.string() }).openapi({ example: { status } });

export const health = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Dependencies at a glance (always 200; read `status`)',
  responses: { 200: jsonResponse(HealthSchema, 'Health report') },
});

export const liveness = createRoute({
  method: 'get',
  path: '/livez',
  summary: 'Liveness probe: the process is up',
  responses: { 200: jsonResponse(probeSchema('ok'), 'Alive') },
});

export const readiness = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness probe: the database answers and its schema is current',
  responses: { 200: jsonResponse(probeSchema('ready'), 'Ready'), 503: jsonResponse(probeSchema('not ready'), 'Not ready') },
});
