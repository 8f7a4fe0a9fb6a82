import { sql, type SQL } from 'drizzle-orm';
import type { StoredEvent } from '../../../domain/entities/event.js';
import {
  eventTypePattern,
  type Delivery,
  type DeliveryAttempt,
  type TestEvent,
  type Webhook,
  type WebhookDefinition,
} from '../../../domain/entities/webhook.js';
import { events, jobs } from './schema.js';
import { webhookDeliveries, webhookDispatch, type DeliveryRow, type StoredAttempt, type WebhookRow } from './webhook-tables.js';

/** Deliveries still to be attempted. Written out, not bound, so that the partial indexes on it apply. */
export const unfinishedDelivery = sql`${webhookDeliveries.status} in ('pending', 'failed')`;

/** How far the outbox has been fanned out: events at or before it have their deliveries. */
export const dispatchPosition = sql`(select tx, seq from ${webhookDispatch} where id = 1)`;

/** The columns a definition sets; the type globs are stored once more as one regex, for the store to match with. */
export function definitionColumns(definition: WebhookDefinition) {
  return {
    url: definition.url,
    description: definition.description,
    eventTypes: definition.eventTypes,
    eventTypePattern: eventTypePattern(definition.eventTypes),
    jobLabels: definition.jobLabels,
    enabled: definition.enabled,
  };
}

/** A webhook as the domain sees it: the secrets stay in the row. */
export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    jobLabels: row.jobLabels,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    previousSecretExpiresAt: row.previousSecretUntil,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    jobId: row.jobId,
    status: row.status,
    attempts: row.attempts.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })),
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function storedAttempt(attempt: DeliveryAttempt): StoredAttempt {
  return { ...attempt, at: attempt.at.toISOString() };
}

export function storedTestEvent(event: TestEvent): NonNullable<DeliveryRow['testEvent']> {
  return { ...event, time: event.time.toISOString() };
}

export function toTestEvent(stored: NonNullable<DeliveryRow['testEvent']>): TestEvent {
  return { ...stored, time: new Date(stored.time) };
}

export function toStoredEvent({ seq, tx: _tx, ...event }: typeof events.$inferSelect): StoredEvent {
  return { ...event, sequence: String(seq) };
}

/**
 * Whether webhook `w` selects event `e` about job `j` (left joined): by type, and by the job's labels now; a job
 * purged since has no row, and then the labels the event carries stand in.
 */
const selectsEvent = sql`e.type ~ w.event_type_pattern
  and (w.job_labels is null or coalesce(j.labels, e.data -> 'labels') @> w.job_labels)`;

/**
 * Inserts a pending delivery, due `now`, for each event `e` a webhook `w` selects among the rows `from`, `where`
 * and `tail` (order, limit) give; `from` names the events `e` and the webhooks `w`. Ids are drawn here: nobody
 * outside this statement knows the new rows yet.
 */
export function insertDeliveriesSql(parts: { from: SQL; where?: SQL; tail?: SQL }, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  return sql`
    insert into ${webhookDeliveries}
      (id, webhook_id, event_id, event_type, job_id, event_tx, event_seq, status, next_attempt_at, created_at, updated_at)
    select gen_random_uuid(), w.id, e.id, e.type, e.subject, e.tx, e.seq, 'pending', ${at}, ${at}, ${at}
    from ${parts.from} left join ${jobs} j on j.id = e.subject
    where ${selectsEvent} and ${parts.where ?? sql`true`}
    ${parts.tail ?? sql``}
    returning id`;
}
