import { createRoute } from '@hono/zod-openapi';
import { jsonResponse, problemDoc } from '../responses.js';
import { EventListSchema, ListEventsQuerySchema } from './event-resource.js';

/** The stored events, mounted at /api/v1. */

export const listEvents = createRoute({
  method: 'get',
  path: '/events',
  summary: 'Events of runs, schedules and jobs as CloudEvents 1.0, oldest first, from `after` on',
  request: { query: ListEventsQuerySchema },
  responses: {
    200: jsonResponse(EventListSchema, 'One page of events'),
    400: problemDoc('Bad filter, limit or `after`, or `after` names no stored event'),
  },
});
