import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { AuditLog } from '../../../../domain/ports/input/audit-log.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** The audit trail. Mounted at /api/v1. */
export function createAuditRouter(auditLog: AuditLog, pageTokens: ContinuationTokens, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.audit, access);
  return new OpenAPIHono().openapi(
    routes.listAuditEvents,
    handlers.listAuditEvents(auditLog, pageTokens),
    rejectInvalid(routes.listAuditEvents),
  );
}
