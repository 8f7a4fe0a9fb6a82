import type { RouteHandler } from '@hono/zod-openapi';
import type { EventFeed } from '../../../../domain/ports/input/event-feed.js';
import type { EventStream } from '../../../../domain/ports/input/event-stream.js';
import { toEventResource } from './event-resource.js';
import { eventStreamResponse, streamPosition } from './event-stream-response.js';
import type * as routes from './routes.js';

export function listEvents(feed: EventFeed): RouteHandler<typeof routes.listEvents> {
  return async (c) => {
    const page = await feed.list(c.req.valid('query'));
    return c.json({ events: page.events.map(toEventResource), nextAfter: page.nextAfter }, 200);
  };
}

export function streamEvents(stream: EventStream, heartbeatMs: number): RouteHandler<typeof routes.streamEvents> {
  return async (c) => {
    const { after, ...filters } = c.req.valid('query');
    const position = streamPosition(c.req.valid('header')['last-event-id'], after);
    return eventStreamResponse(c, heartbeatMs, (stop) => stream.follow({ ...filters, after: position }, stop));
  };
}

export function followExecution(stream: EventStream, heartbeatMs: number): RouteHandler<typeof routes.followExecution> {
  return async (c) => {
    const { executionId } = c.req.valid('param');
    const position = streamPosition(c.req.valid('header')['last-event-id'], c.req.valid('query').after);
    return eventStreamResponse(c, heartbeatMs, (stop) => stream.followExecution(executionId, position, stop));
  };
}
