import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { EventFeed } from '../../../../domain/ports/input/event-feed.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** The stored events. Mounted at /api/v1. */
export function createEventsRouter(feed: EventFeed, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.events, access);
  return new OpenAPIHono().openapi(routes.listEvents, handlers.listEvents(feed), rejectInvalid(routes.listEvents));
}
