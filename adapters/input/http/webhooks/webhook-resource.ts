import { z } from '@hono/zod-openapi';
import { iso } from '../../../../domain/entities/representations.js';
import type { Webhook } from '../../../../domain/entities/webhook.js';
import { WEBHOOK_EXAMPLE, WEBHOOK_LIST_EXAMPLE, WEBHOOK_WITH_SECRET_EXAMPLE } from './webhook-examples.js';
import type { WebhookWithSecret } from '../../../../domain/ports/input/webhooks.js';

/** A webhook as every answer shows it: never with its secret. */
export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    jobLabels: z.record(z.string(), z.string()).nullable(),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: 'Why the service turned it off (the receiver answered 410 Gone); null otherwise' }),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'Until when the secret before the last rotation still signs too' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Webhook', { example: WEBHOOK_EXAMPLE });

/** The answer of create and rotate-secret: the one time the secret is shown. */
export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret (Standard Webhooks); shown this once, keep it' }),
}).openapi('WebhookWithSecret', { example: WEBHOOK_WITH_SECRET_EXAMPLE });

export const WebhookListSchema = z
  .object({ webhooks: z.array(WebhookSchema), nextContinuationToken: z.string().nullable() })
  .openapi('WebhookList', { example: WEBHOOK_LIST_EXAMPLE });

export type WebhookResource = z.infer<typeof WebhookSchema>;

export function toWebhookResource(webhook: Webhook): WebhookResource {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    eventTypes: webhook.eventTypes,
    jobLabels: webhook.jobLabels,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    previousSecretExpiresAt: iso(webhook.previousSecretExpiresAt),
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

export function toWebhookWithSecret({ webhook, secret }: WebhookWithSecret): z.infer<typeof WebhookWithSecretSchema> {
  return { ...toWebhookResource(webhook), secret };
}
