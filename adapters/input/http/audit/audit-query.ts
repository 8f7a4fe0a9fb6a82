import { z } from '@hono/zod-openapi';
import { storableInstant } from '../instant.js';
import { pageQuery } from '../pagination.js';

export const ListAuditQuerySchema = z.strictObject({
  ...pageQuery,
  actor: z.string().min(1).max(200).optional().openapi({ description: 'An API key name, `anonymous` or `unknown`' }),
  action: z.string().min(1).max(100).optional().openapi({ description: 'Such as `job.delete` or `run.stop`' }),
  resourceId: z.string().min(1).max(200).optional(),
  since: storableInstant.optional().openapi({ description: 'Events at or after this time' }),
  until: storableInstant.optional().openapi({ description: 'Events before this time' }),
});
