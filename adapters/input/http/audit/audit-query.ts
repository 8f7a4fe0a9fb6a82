import { z } from '@hono/zod-openapi';
import { pageQuery } from '../pagination.js';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const ListAuditQuerySchema = z.strictObject({
  ...pageQuery,
  actor: z.string().min(1).max(200).optional().openapi({ description: 'An API key name, `anonymous` or `unknown`' }),
  action: z.string().min(1).max(100).optional().openapi({ description: 'Such as `job.delete` or `run.stop`' }),
  resourceId: z.string().min(1).max(200).optional(),
  since: instant.optional().openapi({ description: 'Events at or after this time' }),
  until: instant.optional().openapi({ description: 'Events before this time' }),
});
