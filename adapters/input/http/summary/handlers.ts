import type { RouteHandler } from '@hono/zod-openapi';
import type { RunOverview } from '../../../../domain/ports/input/run-overview.js';
import type * as routes from './routes.js';
import { toSummaryResource } from './summary-resource.js';

export function readSummary(overview: RunOverview): RouteHandler<typeof routes.readSummary> {
  return async (c) => c.json(toSummaryResource(await overview.summary()), 200);
}
