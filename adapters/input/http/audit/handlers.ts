import { z, type RouteHandler } from '@hono/zod-openapi';
import type { AuditLog } from '../../../../domain/ports/input/audit-log.js';
import { decodeContinuationToken, encodeContinuationToken } from '../continuation-token.js';
import { toAuditResource } from './audit-resource.js';
import type * as routes from './routes.js';

const PagePosition = z.object({ at: z.iso.datetime().transform((value) => new Date(value)), id: z.uuid() });

export function listAuditEvents(auditLog: AuditLog): RouteHandler<typeof routes.listAuditEvents> {
  return async (c) => {
    const { limit, continuationToken, ...filters } = c.req.valid('query');
    const tokenFilters = { ...filters };
    const after = continuationToken ? decodeContinuationToken(continuationToken, tokenFilters, PagePosition) : undefined;
    const page = await auditLog.list({
      ...filters,
      since: filters.since ? new Date(filters.since) : undefined,
      until: filters.until ? new Date(filters.until) : undefined,
      limit,
      after,
    });
    const nextContinuationToken = page.next
      ? encodeContinuationToken({ at: page.next.at.toISOString(), id: page.next.id }, tokenFilters)
      : null;
    return c.json({ events: page.events.map(toAuditResource), nextContinuationToken }, 200);
  };
}
