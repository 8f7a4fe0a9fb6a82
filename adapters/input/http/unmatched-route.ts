import type { NotFoundHandler } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import type { RouterRoute } from 'hono/types';
import { problemResponse } from './problem.js';

/** Answers HEAD wherever GET is served (Hono does that by itself). */
const IMPLIED = { GET: 'HEAD' } as const;

/**
 * The answer to a request no route took: when its path has routes for other methods, 405 with `Allow` naming them;
 * else 404. The app's routes are read at the first such request, when every router is mounted.
 */
export function unmatchedRoute(routes: readonly RouterRoute[]): NotFoundHandler {
  let methodsFor: ((path: string) => string[]) | undefined;
  return (c) => {
    methodsFor ??= methodIndex(routes);
    const methods = methodsFor(c.req.path);
    if (methods.length === 0) {
      return problemResponse(c, {
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        title: 'Not found',
        detail: `No route for ${c.req.method} ${c.req.path}`,
      });
    }
    c.header('Allow', methods.join(', '));
    return problemResponse(c, {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      title: 'Method not allowed',
      detail: `${c.req.method} is not served at ${c.req.path}; it takes ${methods.join(', ')}`,
    });
  };
}

/** The methods each path is served with, found by the same patterns the routes were declared with. */
function methodIndex(routes: readonly RouterRoute[]): (path: string) => string[] {
  const router = new PatternRouter<string>();
  // Middleware is registered for every method ('ALL'): it serves no path by itself.
  for (const { method, path } of routes) if (method !== 'ALL') router.add('ALL', path, method);
  return (path) => {
    const methods = new Set(router.match('GET', path)[0].map(([method]) => method));
    for (const [method, implied] of Object.entries(IMPLIED)) if (methods.has(method)) methods.add(implied);
    return [...methods].sort();
  };
}
