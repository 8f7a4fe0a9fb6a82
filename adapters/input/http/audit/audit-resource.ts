import { z } from '@hono/zod-openapi';
import { AUDIT_EVENT_EXAMPLE, AUDIT_LIST_EXAMPLE } from './audit-examples.js';
import type { AuditEvent } from '../../../../domain/entities/audit.js';

export const AuditEventSchema = z
  .object({
    id: z.uuid(),
    at: z.iso.datetime(),
    actor: z.string(),
    role: z.string().nullable(),
    action: z.string(),
    resourceType: z.string().nullable(),
    resourceId: z.string().nullable(),
    outcome: z.number().int().openapi({ description: 'The HTTP status the request was answered with' }),
    requestId: z.string(),
    sourceAddress: z.string().nullable(),
    versionBefore: z.number().int().nullable(),
    versionAfter: z.number().int().nullable(),
    reason: z.string().nullable(),
  })
  .openapi('AuditEvent', { example: AUDIT_EVENT_EXAMPLE });

export const AuditListSchema = z
  .object({ events: z.array(AuditEventSchema), nextContinuationToken: z.string().nullable() })
  .openapi('AuditEventList', { example: AUDIT_LIST_EXAMPLE });

export function toAuditResource(event: AuditEvent): z.infer<typeof AuditEventSchema> {
  return { ...event, at: event.at.toISOString() };
}
