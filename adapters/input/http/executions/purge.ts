import { z } from '@hono/zod-openapi';
import { PURGE_REQUEST_EXAMPLE, PURGE_RESULT_EXAMPLE } from './execution-examples.js';

/** The body of a purge: every field may be left out. */
export const PurgeRequestSchema = z
  .strictObject({
    before: z.iso
      .datetime({ offset: true, message: 'must be an RFC 3339 date-time such as 2026-01-31T08:00:00Z' })
      .optional()
      .openapi({ description: 'Only executions created before this instant (not in the future); default: now' }),
    jobId: z.uuid({ message: 'must be a UUID' }).optional().openapi({
      description: "Only this job's executions; a deleted job's too (then its newest is not kept either)",
    }),
    dryRun: z.boolean().optional().openapi({ description: 'Only count what would be removed' }),
  })
  .openapi('PurgeRequest', { example: PURGE_REQUEST_EXAMPLE });

export const PurgeResultSchema = z
  .object({
    removed: z.number().int().openapi({ description: 'How many executions were removed, or with dryRun would be' }),
    dryRun: z.boolean(),
  })
  .openapi('PurgeResult', { example: PURGE_RESULT_EXAMPLE });
