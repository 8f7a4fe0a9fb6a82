import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Histogram } from 'prom-client';

/** The route label of a request no route took: one value, however many paths are tried. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Methods kept as their own label value; any other method counts as OTHER. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request into `histogram`, labelled with the route's template (`/api/v1/jobs/:id`), never the raw
 * path, so the number of series stays bounded whatever paths callers send.
 */
export function timeHttpRequests(histogram: Histogram<'method' | 'route' | 'status'>): MiddlewareHandler {
  return async (c, next) => {
    const stop = histogram.startTimer();
    try {
      await next();
    } finally {
      const method = KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      stop({ method, route: routeTemplate(c), status: String(c.res.status) });
    }
  };
}

/** The template of the route that took the request: middleware (`app.use`) is registered for ALL methods. */
function routeTemplate(c: Context): string {
  return matchedRoutes(c).findLast((route) => route.method !== 'ALL')?.path ?? UNMATCHED_ROUTE;
}
