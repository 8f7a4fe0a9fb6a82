import { createRoute } from '@hono/zod-openapi';
import { STORAGE_UNAVAILABLE_PROBLEM } from '../problem-examples.js';
import { jsonResponse, problemDoc } from '../responses.js';
import { SummarySchema } from './summary-resource.js';

/** The service at a glance. Mounted at /api/v1. */

export const readSummary = createRoute({
  method: 'get',
  path: '/summary',
  summary: 'Counts of jobs, schedules and the last day of executions, and the next ticks',
  responses: {
    200: jsonResponse(SummarySchema, 'The summary, as stored now'),
    503: problemDoc('STORAGE_UNAVAILABLE', STORAGE_UNAVAILABLE_PROBLEM),
  },
});
