import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { DeliveryStatus, TestEvent } from '../../../domain/entities/webhook.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Webhooks. The secrets are read only to sign deliveries; `event_type_pattern` is `event_types` as one regex. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description'),
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    eventTypePattern: text('event_type_pattern').notNull(),
    jobLabels: jsonb('job_labels').$type<Record<string, string>>(),
    enabled: boolean('enabled').notNull(),
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamptz('previous_secret_until'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [index('webhooks_created_idx').on(table.createdAt, table.id)],
);

export type WebhookRow = typeof webhooks.$inferSelect;

/** An attempt as stored: dates as ISO strings inside JSON. */
export interface StoredAttempt {
  at: string;
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

const UNFINISHED = sql`status in ('pending', 'failed')`;

/**
 * One event on its way to one webhook. `event_tx`/`event_seq` are the event's place in the outbox order: a
 * delivery is attempted only when no earlier unfinished one of the same (webhook, job) is left. A test event has
 * no place and no job, and carries its own payload. `lease_owner`/`lease_until` hold a claim while it is sent.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    jobId: uuid('job_id'),
    eventTx: bigint('event_tx', { mode: 'bigint' }),
    eventSeq: bigint('event_seq', { mode: 'bigint' }),
    testEvent: jsonb('test_event').$type<Omit<TestEvent, 'time'> & { time: string }>(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempts: jsonb('attempts').$type<StoredAttempt[]>().notNull().default([]),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamptz('lease_until'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [
    index('webhook_deliveries_listing_idx').on(table.webhookId, table.createdAt.desc(), table.id.desc()),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(UNFINISHED),
    index('webhook_deliveries_order_idx')
      .on(table.webhookId, table.jobId, table.eventTx, table.eventSeq)
      .where(UNFINISHED),
    index('webhook_deliveries_event_idx').on(table.eventId).where(UNFINISHED),
    index('webhook_deliveries_settled_idx').on(table.updatedAt).where(sql`status in ('succeeded', 'dead')`),
  ],
);

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * How far the outbox has been fanned out to webhooks: one row, locked by the instance that dispatches. Events up
 * to (tx, seq) have their deliveries; the event sweep never removes one past it.
 */
export const webhookDispatch = pgTable('webhook_dispatch', {
  id: integer('id').primaryKey(),
  tx: bigint('tx', { mode: 'bigint' }).notNull(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
});
