import type { RouteHandler } from '@hono/zod-openapi';
import type * as routes from './routes.js';

/** The metrics in Prometheus' text format, as the metrics registry renders them at the time of the scrape. */
export interface MetricsExposition {
  contentType: string;
  text(): Promise<string>;
}

export function readMetrics(exposition: MetricsExposition): RouteHandler<typeof routes.readMetrics> {
  return async (c) => c.text(await exposition.text(), 200, { 'Content-Type': exposition.contentType });
}
