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
  .openapi('Health');

const ProbeSchema = z.object({ status: z.string() });

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
  responses: { 200: jsonResponse(ProbeSchema, 'Alive') },
});

export const readiness = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness probe: the database answers and its schema is current',
  responses: { 200: jsonResponse(ProbeSchema, 'Ready'), 503: jsonResponse(ProbeSchema, 'Not ready') },
});
