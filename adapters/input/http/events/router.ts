import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { EventFeed } from '../../../../domain/ports/input/event-feed.js';
import type { EventStream } from '../../../../domain/ports/input/event-stream.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

export interface EventStreamSettings {
  stream: EventStream;
  /** How often a `: keep-alive` comment is sent on an open stream. */
  heartbeatMs: number;
}

/** The stored events, listed and followed live. Mounted at /api/v1. */
export function createEventsRouter(feed: EventFeed, streams: EventStreamSettings, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.events, access);
  const { stream, heartbeatMs } = streams;
  return new OpenAPIHono()
    .openapi(routes.listEvents, handlers.listEvents(feed), rejectInvalid(routes.listEvents))
    .openapi(routes.streamEvents, handlers.streamEvents(stream, heartbeatMs), rejectInvalid(routes.streamEvents))
    .openapi(routes.followExecution, handlers.followExecution(stream, heartbeatMs), rejectInvalid(routes.followExecution));
}
