import { z } from '@hono/zod-openapi';
import { iso } from '../../../../domain/entities/representations.js';
import {
  DELIVERY_ATTEMPT_EXAMPLE,
  DELIVERY_EXAMPLE,
  DELIVERY_LIST_EXAMPLE,
  REPLAYED_EVENTS_EXAMPLE,
} from './webhook-examples.js';
import { DELIVERY_STATUSES, type Delivery } from '../../../../domain/entities/webhook.js';

const DeliveryAttemptSchema = z
  .object({
    at: z.string().openapi({ format: 'date-time' }),
    statusCode: z.number().int().nullable().openapi({ description: 'Null when no HTTP response came' }),
    durationMs: z.number().int(),
    responseExcerpt: z.string().nullable().openapi({ description: 'The first KiB of the response body' }),
    error: z.string().nullable().openapi({ description: 'Why the attempt did not succeed; null for a 2xx' }),
  })
  .openapi('DeliveryAttempt', { example: DELIVERY_ATTEMPT_EXAMPLE });

export const DeliverySchema = z
  .object({
    id: z.uuid(),
    webhookId: z.uuid(),
    eventId: z.string().openapi({ description: 'The `webhook-id` header: the same for every attempt and replay' }),
    eventType: z.string(),
    jobId: z.string().nullable().openapi({ description: 'The job the event is about; null for a test event' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.array(DeliveryAttemptSchema),
    nextAttemptAt: z.string().nullable().openapi({ format: 'date-time', description: 'Null once succeeded or dead' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Delivery', { example: DELIVERY_EXAMPLE });

export const DeliveryListSchema = z
  .object({ deliveries: z.array(DeliverySchema), nextContinuationToken: z.string().nullable() })
  .openapi('DeliveryList', { example: DELIVERY_LIST_EXAMPLE });

export const ReplayedEventsSchema = z
  .object({
    queued: z
      .number()
      .int()
      .openapi({ description: 'At most 10000 a call; a call made while those are in flight skips them and queues the next' }),
  })
  .openapi('ReplayedEvents', { example: REPLAYED_EVENTS_EXAMPLE });

export function toDeliveryResource(delivery: Delivery): z.infer<typeof DeliverySchema> {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    jobId: delivery.jobId,
    status: delivery.status,
    attempts: delivery.attempts.map(({ at, statusCode, durationMs, responseExcerpt, error }) => ({
      at: at.toISOString(),
      statusCode,
      durationMs,
      responseExcerpt,
      error,
    })),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
  };
}
