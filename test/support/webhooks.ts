import { asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type AppDatabase } from '../../adapters/output/repository/database.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleWebhookRepository } from '../../adapters/output/repository/drizzle-webhook-repository.js';
import { DrizzleEventOutbox, visibilityHorizon } from '../../adapters/output/repository/event-outbox.js';
import { events, jobs } from '../../adapters/output/repository/schema.js';
import { webhookDeliveries, webhookDispatch, webhooks } from '../../adapters/output/repository/webhook-tables.js';
import type { EventType, StoredEvent } from '../../domain/entities/event.js';
import { createJob } from '../../domain/entities/job.js';
import { WEBHOOK_TEST_EVENT, type DeliveryAttempt, type TestEvent, type Webhook, type WebhookDefinition } from '../../domain/entities/webhook.js';
import { aJobDefinition } from './job-definitions.js';
import { waitFor } from './wait.js';

export const t0 = new Date('2026-07-01T12:00:00.000Z');
export const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

let counter = 0;
/** UUIDs in creation order, so that ids also sort the way they were made. */
export const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export function aWebhook(overrides: Partial<WebhookDefinition> = {}, createdAt = t0): Webhook {
  return {
    id: newId(),
    url: 'https://receiver.example/hook',
    description: null,
    eventTypes: ['*'],
    jobLabels: null,
    enabled: true,
    ...overrides,
    disabledReason: null,
    previousSecretExpiresAt: null,
    createdAt,
    updatedAt: createdAt,
  };
}

export function aTestEvent(webhookId: string, time = t0): TestEvent {
  return { id: newId(), type: WEBHOOK_TEST_EVENT, time, data: { webhookId, message: 'a test' } };
}

export function anAttempt(at: Date, statusCode: number | null = 500): DeliveryAttempt {
  const ok = statusCode !== null && statusCode < 300;
  return { at, statusCode, durationMs: 12, responseExcerpt: ok ? 'ok' : 'nope', error: ok ? null : `answered ${statusCode}` };
}

/** Empties every table the webhook suites write, and puts the dispatch position back at the start. */
export async function clearWebhookTables(db: AppDatabase): Promise<void> {
  await db.delete(webhookDeliveries);
  await db.delete(webhooks);
  await db.delete(events);
  await db.delete(jobs);
  await db.update(webhookDispatch).set({ tx: 0n, seq: 0n });
}

/** The fixtures the suites build on: jobs with labels, webhooks and events, through the repositories. */
export class WebhookFixtures {
  constructor(private readonly db: AppDatabase) {}

  async job(labels: Record<string, string>): Promise<string> {
    const job = createJob(aJobDefinition({ name: `job-${newId()}`, labels }), newId(), t0);
    await new DrizzleJobRepository(this.db).insert(job);
    return job.id;
  }

  async webhook(overrides: Partial<WebhookDefinition> = {}, secret = 'secret-1', createdAt = t0): Promise<Webhook> {
    const webhook = aWebhook(overrides, createdAt);
    await new DrizzleWebhookRepository(this.db).insert(webhook, secret);
    return webhook;
  }

  /** Appends one event (its own transaction) and reads it back as stored. */
  async event(type: EventType, subject: string, time = t0, data: unknown = { n: ++counter }): Promise<StoredEvent> {
    await new DrizzleEventOutbox(this.db).append([{ type, subject, time, data }]);
    const [row] = await this.db.select().from(events).orderBy(sql`${events.seq} desc`).limit(1);
    const { seq, tx: _tx, ...event } = row!;
    return { ...event, sequence: String(seq) };
  }

  /**
   * Waits until every stored event is below the visibility horizon: a transaction elsewhere on the server (an
   * autovacuum) may hold them back a moment (see event-outbox.ts).
   */
  async committed(): Promise<void> {
    const held = sql`select count(*)::int as n from ${events} where tx >= ${visibilityHorizon}`;
    await waitFor(async () => rowsOf<{ n: number }>(await this.db.execute(held))[0]!.n, (n) => n === 0, 10_000, 'events to show');
  }

  /** Every delivery as stored, in outbox order (test deliveries last), then by id. */
  deliveries() {
    const d = webhookDeliveries;
    return this.db.select().from(d).orderBy(sql`${d.eventTx} nulls last`, asc(d.eventSeq), asc(d.createdAt), asc(d.id));
  }

  async delivery(id: string) {
    const [row] = await this.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    return row;
  }

  async setDelivery(id: string, change: Partial<typeof webhookDeliveries.$inferInsert>): Promise<void> {
    await this.db.update(webhookDeliveries).set(change).where(eq(webhookDeliveries.id, id));
  }
}
