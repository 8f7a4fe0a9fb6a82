import { createRoute, z } from '@hono/zod-openapi';
import { STORAGE_UNAVAILABLE_PROBLEM } from '../problem-examples.js';
import { problemDoc } from '../responses.js';

/** Prometheus metrics, mounted at the root. */

export const readMetrics = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics in the text exposition format: runs, ticks, requests, Flink calls, process',
  description: 'Scrape with the API key as a bearer token (`authorization` in the scrape config).',
  responses: {
    200: {
      description: 'Every metric, as Prometheus reads it (text format 0.0.4)',
      content: { 'text/plain': { schema: z.string() } },
    },
    503: problemDoc('The database could not be read', STORAGE_UNAVAILABLE_PROBLEM),
  },
});
