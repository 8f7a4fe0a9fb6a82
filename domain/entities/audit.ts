import type { Actor } from './access.js';

/** One mutating request, allowed or refused, as the audit trail keeps it. */
export interface AuditEvent {
  id: string;
  at: Date;
  /** The API key's name; `anonymous` without a key, `unknown` for a key that is not known. */
  actor: string;
  role: string | null;
  /** Such as `job.delete` or `run.stop`; `request` when the request matched no route. */
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  /** The HTTP status the request was answered with. */
  outcome: number;
  requestId: string;
  sourceAddress: string | null;
  /** The job's version before and after the change; null where there was none. */
  versionBefore: number | null;
  versionAfter: number | null;
  /** Why, in the operator's words (X-Operator-Reason). */
  reason: string | null;
}

/**
 * What a mutating request says about itself, handed to the use case so that the change and its audit row are
 * written in one transaction: who asked, for what, from where and why, and the status a success answers with.
 */
export interface AuditContext {
  actor: Actor;
  action: string;
  resourceType: string;
  requestId: string;
  sourceAddress: string | null;
  reason: string | null;
  /** The status the request is answered with when the change succeeds. */
  outcome: number;
}

/** The audit row of a change that succeeded: the request as it came, and what the use case changed. */
export function auditEventOf(
  context: AuditContext,
  change: { id: string; at: Date; resourceId: string; versionBefore: number | null; versionAfter: number | null },
): AuditEvent {
  return {
    id: change.id,
    at: change.at,
    actor: context.actor.name,
    role: context.actor.role,
    action: context.action,
    resourceType: context.resourceType,
    resourceId: change.resourceId,
    outcome: context.outcome,
    requestId: context.requestId,
    sourceAddress: context.sourceAddress,
    versionBefore: change.versionBefore,
    versionAfter: change.versionAfter,
    reason: context.reason,
  };
}
