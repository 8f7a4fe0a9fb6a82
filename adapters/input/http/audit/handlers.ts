import { z, type RouteHandler } from '@hono/zod-openapi';
import type { AuditLog } from '../../../../domain/ports/input/audit-log.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { storableInstant } from '../instant.js';
import { toAuditResource } from './audit-resource.js';
import type * as routes from './routes.js';

const PagePosition = z.object({ at: storableInstant.transform((value) => new Date(value)), id: z.uuid() });

export function listAuditEvents(auditLog: AuditLog, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listAuditEvents> {
  return async (c) => {
    const { limit, continuationToken, ...filters } = c.req.valid('query');
    const tokenFilters = { ...filters };
    const after = continuationToken ? pageTokens.decode(continuationToken, tokenFilters, PagePosition) : undefined;
    const page = await auditLog.list({
      ...filters,
      since: filters.since ? new Date(filters.since) : undefined,
      until: filters.until ? new Date(filters.until) : undefined,
      limit,
      after,
    });
    const nextContinuationToken = page.next
      ? pageTokens.encode({ at: page.next.at.toISOString(), id: page.next.id }, tokenFilters)
      : null;
    return c.json({ events: page.events.map(toAuditResource), nextContinuationToken }, 200);
  };
}
