import type { MiddlewareHandler } from 'hono';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { AuditLog } from '../../../../domain/ports/input/audit-log.js';
import { MAX_REASON_LENGTH, sourceAddress } from '../request-context.js';
import { bearerKey } from './guard.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Records every mutating request that changed nothing (refused, invalid, failed) in the audit trail; a change
 * that succeeded recorded itself, in its own transaction. Who asked is told by the key the request carried,
 * whether or not its route let it through: `anonymous` without a key, `unknown` for a key nobody has.
 */
export function recordRefusals(access: AccessControl, auditLog: AuditLog, onFailure: (error: unknown) => void): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!MUTATING.has(c.req.method) || c.res.status < 300) return;
    const authentication = access.authenticate(bearerKey(c));
    const who =
      authentication.kind === 'known'
        ? { actor: authentication.actor.name, role: authentication.actor.role }
        : { actor: authentication.kind === 'missing' ? 'anonymous' : 'unknown', role: null };
    const action = c.get('auditedAction');
    await auditLog
      .recordRefusal({
        ...who,
        action: action?.action ?? 'request',
        resourceType: action?.resourceType ?? null,
        resourceId: action?.resourceId ?? null,
        outcome: c.res.status,
        requestId: c.get('requestId'),
        sourceAddress: sourceAddress(c),
        versionBefore: null,
        versionAfter: null,
        reason: c.req.header('X-Operator-Reason')?.trim().slice(0, MAX_REASON_LENGTH) || null,
      })
      .catch(onFailure);
  };
}
