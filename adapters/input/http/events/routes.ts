import { createRoute } from '@hono/zod-openapi';
import { EXECUTION_NOT_FOUND_PROBLEM } from '../executions/execution-examples.js';
import { ExecutionIdParams } from '../path-params.js';
import { jsonResponse, problemDoc } from '../responses.js';
import { UNKNOWN_EVENT_POSITION_PROBLEM } from './event-examples.js';
import {
  EventListSchema,
  EventStreamSchema,
  ExecutionEventsQuerySchema,
  LastEventIdHeaders,
  ListEventsQuerySchema,
  StreamEventsQuerySchema,
} from './event-resource.js';

/** The stored events, mounted at /api/v1. */

const eventStream = (description: string) => ({ description, content: { 'text/event-stream': { schema: EventStreamSchema } } });

export const listEvents = createRoute({
  method: 'get',
  path: '/events',
  summary: 'Events of runs, schedules and jobs as CloudEvents 1.0, oldest first, from `after` on',
  request: { query: ListEventsQuerySchema },
  responses: {
    200: jsonResponse(EventListSchema, 'One page of events'),
    400: problemDoc('Bad filter, limit or `after`, or `after` names no stored event', UNKNOWN_EVENT_POSITION_PROBLEM),
  },
});

export const streamEvents = createRoute({
  method: 'get',
  path: '/events/stream',
  summary: 'The events as Server-Sent Events: the stored ones from `after` (or `Last-Event-ID`) on, then live',
  description: 'Reconnecting with the `Last-Event-ID` header resumes after the last message received, with no gap.',
  request: { query: StreamEventsQuerySchema, headers: LastEventIdHeaders },
  responses: {
    200: eventStream('The events, until the client disconnects or the service shuts down'),
    400: problemDoc('Bad filter or position, or the position names no stored event', UNKNOWN_EVENT_POSITION_PROBLEM),
  },
});

export const followExecution = createRoute({
  method: 'get',
  path: '/executions/{executionId}/events',
  summary: "An execution's events as Server-Sent Events: its history, then live until it ends",
  description:
    'The stream closes after the terminal event (`run.succeeded`, `run.failed`, `run.stopped`, `run.skipped`). ' +
    'Reconnecting with the `Last-Event-ID` header resumes after the last message received.',
  request: { params: ExecutionIdParams, query: ExecutionEventsQuerySchema, headers: LastEventIdHeaders },
  responses: {
    200: eventStream("The execution's events"),
    400: problemDoc('Bad position, or the position names no stored event', UNKNOWN_EVENT_POSITION_PROBLEM),
    404: problemDoc('EXECUTION_NOT_FOUND', EXECUTION_NOT_FOUND_PROBLEM),
  },
});
