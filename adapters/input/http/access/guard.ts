import type { RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../../../../domain/entities/access.js';
import type { AccessControl, Authentication } from '../../../../domain/ports/input/access-control.js';
import { HttpProblem } from '../problem.js';
import { operatorReason } from '../request-context.js';

/** Who may call a route; a mutating route also names what it does, for the audit trail. */
export interface RouteAccess {
  role: Role | 'public';
  audit?: { action: string; resourceType: string };
}

/** The key a request carries as `Authorization: Bearer <key>`; undefined without one. */
export function bearerKey(c: Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '');
  return match?.[1];
}

/** Where a request's API key is read from: the Authorization header, unless a router says otherwise. */
export type KeyOfRequest = (c: Context) => string | undefined;

/** Each route with its guard in front of it, and its permission in the OpenAPI document. */
export function guardRoutes<R extends Record<string, RouteConfig>>(
  routes: R,
  table: { [K in keyof R]: RouteAccess },
  access: AccessControl,
  keyOf: KeyOfRequest = bearerKey,
): R {
  const guarded = Object.entries(routes).map(([name, route]) => [name, withAccess(route, table[name]!, access, keyOf)]);
  return Object.fromEntries(guarded) as R;
}

function withAccess<T extends RouteConfig>(route: T, rule: RouteAccess, access: AccessControl, keyOf: KeyOfRequest): T {
  const own = route.middleware === undefined ? [] : [route.middleware].flat();
  const needs = rule.role === 'public' ? 'No API key needed.' : `Needs an API key with the ${rule.role} role (or above).`;
  return {
    ...route,
    middleware: [requireAccess(rule, access, keyOf), ...own],
    security: rule.role === 'public' ? [] : [{ bearerAuth: [] }],
    description: route.description ? `${route.description}\n\n${needs}` : needs,
    'x-required-role': rule.role,
  };
}

function requireAccess(rule: RouteAccess, access: AccessControl, keyOf: KeyOfRequest): MiddlewareHandler {
  return async (c, next) => {
    if (rule.audit) {
      const resourceId = c.req.param('id') ?? c.req.param('executionId') ?? null;
      c.set('auditedAction', { ...rule.audit, resourceId });
    }
    if (rule.role === 'public') return next();
    const authentication = access.authenticate(keyOf(c));
    if (authentication.kind !== 'known') throw unauthenticated(authentication);
    // Set before the role is checked, so the log line of a refused request names the key too.
    c.set('actor', authentication.actor);
    if (!access.allows(authentication.actor, rule.role)) {
      const { name, role } = authentication.actor;
      throw new HttpProblem({
        status: 403,
        code: 'FORBIDDEN',
        title: 'Role not allowed',
        detail: `This route needs the ${rule.role} role; the API key '${name}' has the ${role} role`,
      });
    }
    if (rule.audit) operatorReason(c);
    await next();
  };
}

function unauthenticated(authentication: Exclude<Authentication, { kind: 'known' }>): HttpProblem {
  const missing = authentication.kind === 'missing';
  return new HttpProblem({
    status: 401,
    code: 'UNAUTHENTICATED',
    title: 'Authentication required',
    detail: missing
      ? 'This route needs an API key, sent as Authorization: Bearer <key>'
      : 'The API key is not one this service knows',
    headers: {
      'WWW-Authenticate': missing ? 'Bearer realm="flink-job-scheduler"' : 'Bearer realm="flink-job-scheduler", error="invalid_token"',
    },
  });
}
