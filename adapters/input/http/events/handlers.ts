import type { RouteHandler } from '@hono/zod-openapi';
import type { EventFeed } from '../../../../domain/ports/input/event-feed.js';
import { toEventResource } from './event-resource.js';
import type * as routes from './routes.js';

export function listEvents(feed: EventFeed): RouteHandler<typeof routes.listEvents> {
  return async (c) => {
    const page = await feed.list(c.req.valid('query'));
    return c.json({ events: page.events.map(toEventResource), nextAfter: page.nextAfter }, 200);
  };
}
