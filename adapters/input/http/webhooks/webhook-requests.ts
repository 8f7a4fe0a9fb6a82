import { z } from '@hono/zod-openapi';
import { DELIVERY_STATUSES, EVENT_TYPE_GLOB, type WebhookDefinition } from '../../../../domain/entities/webhook.js';
import { storableInstant } from '../instant.js';
import { labelKey, labelValue } from '../jobs/job-definition.js';
import { pageQuery } from '../pagination.js';
import { WEBHOOK_DEFINITION_EXAMPLE } from './webhook-examples.js';

const MAX_EVENT_TYPES = 50;

/** Only the form is checked here; whether the service may call the URL is the outbound policy's word. */
function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/**
 * The body of create and replace. Optional fields accept null as "not set", as a job definition's do; an empty
 * `jobLabels` selects every job, like none.
 */
export const WebhookDefinitionSchema = z
  .strictObject({
    url: z
      .string()
      .max(2048, 'must be at most 2048 characters')
      .refine(isHttpUrl, 'must be an absolute http or https URL')
      .openapi({ example: 'https://hooks.example.com/flink' }),
    description: z.string().max(2000, 'must be at most 2000 characters').nullish(),
    eventTypes: z
      .array(
        z
          .string()
          .max(200, 'event types have at most 200 characters')
          .regex(EVENT_TYPE_GLOB, "must be an event type such as 'run.failed', or a glob such as 'run.*' or '*'"),
      )
      .min(1, 'must name at least one event type')
      .max(MAX_EVENT_TYPES, `must name at most ${MAX_EVENT_TYPES} event types`)
      .openapi({ description: "Event types, or globs over them: `*` stands for any characters", example: ['run.*'] }),
    jobLabels: z
      .record(labelKey, labelValue)
      .nullish()
      .openapi({ description: 'Only events about jobs carrying every one of these labels' }),
    enabled: z.boolean().default(true),
  })
  .transform(
    (input): WebhookDefinition => ({
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes,
      jobLabels: input.jobLabels && Object.keys(input.jobLabels).length > 0 ? input.jobLabels : null,
      enabled: input.enabled,
    }),
  )
  .openapi('WebhookDefinition', { example: WEBHOOK_DEFINITION_EXAMPLE });

export const ListWebhooksQuerySchema = z.strictObject({ ...pageQuery });

export const ListDeliveriesQuerySchema = z.strictObject({
  ...pageQuery,
  status: z.enum(DELIVERY_STATUSES, { message: `must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
});

export const ReplaySinceQuerySchema = z.strictObject({
  since: storableInstant.openapi({ description: 'Replay the stored events at or after this time' }),
});
