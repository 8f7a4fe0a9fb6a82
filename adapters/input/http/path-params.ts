import { z } from '@hono/zod-openapi';

/** `{id}` of /jobs/{id}/...: any string, so that a malformed id reads as not found rather than as bad input. */
export const JobIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

export const ExecutionIdParams = z.object({
  executionId: z.string().openapi({ param: { name: 'executionId', in: 'path' }, format: 'uuid' }),
});

/** `{id}` of /webhooks/{id}/...: any string, like a job's, so that a malformed id reads as not found. */
export const WebhookIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

export const DeliveryIdParams = WebhookIdParams.extend({
  deliveryId: z.string().openapi({ param: { name: 'deliveryId', in: 'path' }, format: 'uuid' }),
});

/** `{id}` of /backfills/{id}/...: any string, like a job's, so that a malformed id reads as not found. */
export const BackfillIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });
