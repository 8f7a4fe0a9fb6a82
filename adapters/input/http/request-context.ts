import type { Context } from 'hono';
import type { Actor } from '../../../domain/entities/access.js';
import type { AuditContext } from '../../../domain/entities/audit.js';
import { HttpProblem } from './problem.js';

/** What a mutating route does, for the audit trail: its action, and the resource the request names. */
export interface AuditedAction {
  action: string;
  resourceType: string;
  resourceId: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id, as its log lines and its response carry it. */
    requestId: string;
    /** Who the request comes from, once its route's guard knows the key (also when the key lacks the role). */
    actor: Actor;
    /** Set by the guard of a mutating route. */
    auditedAction: AuditedAction;
  }
}

/** Longest reason an operator may give (seed 004's audit headers). */
export const MAX_REASON_LENGTH = 500;

/** The operator's reason for a change (X-Operator-Reason), or null; 400 when it is too long. */
export function operatorReason(c: Context): string | null {
  const reason = c.req.header('X-Operator-Reason')?.trim();
  if (!reason) return null;
  if (reason.length > MAX_REASON_LENGTH) {
    throw new HttpProblem({
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'Invalid request',
      detail: `X-Operator-Reason: must be at most ${MAX_REASON_LENGTH} characters, got ${reason.length}`,
      errors: [{ path: 'X-Operator-Reason', message: `must be at most ${MAX_REASON_LENGTH} characters` }],
    });
  }
  return reason;
}

/** The peer's address on the node server; null where there is no socket (requests made in-process). */
export function sourceAddress(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}

/** The audit context a use case records a change with; `outcome` is the status the success answers with. */
export function auditContext(c: Context, outcome: number): AuditContext {
  const { action, resourceType } = c.get('auditedAction');
  return {
    actor: c.get('actor'),
    action,
    resourceType,
    requestId: c.get('requestId'),
    sourceAddress: sourceAddress(c),
    reason: operatorReason(c),
    outcome,
  };
}
