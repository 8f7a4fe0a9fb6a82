import type { StoredEvent } from '../../../domain/entities/event.js';
import {
  selectsEventType,
  type Delivery,
  type TestEvent,
  type Webhook,
  type WebhookDefinition,
} from '../../../domain/entities/webhook.js';
import type { DeliveryLog, DeliveryQuery, WebhookRepository } from '../../../domain/ports/output/webhook-repository.js';

type Position = { createdAt: Date; id: string };
const isAfter = (row: Position, after: Position) => +row.createdAt > +after.createdAt || (+row.createdAt === +after.createdAt && row.id > after.id);

/** The WebhookRepository contract in memory, for domain tests; secrets kept apart, as the real one keeps them unlisted. */
export class InMemoryWebhookRepository implements WebhookRepository {
  readonly rows = new Map<string, Webhook>();
  readonly secrets = new Map<string, { current: string; previous: string | null }>();

  async insert(webhook: Webhook, secret: string): Promise<void> {
    this.rows.set(webhook.id, structuredClone(webhook));
    this.secrets.set(webhook.id, { current: secret, previous: null });
  }

  async get(id: string): Promise<Webhook | undefined> {
    const webhook = this.rows.get(id);
    return webhook && structuredClone(webhook);
  }

  async list(page: { limit: number; after?: Position }): Promise<Webhook[]> {
    return [...this.rows.values()]
      .filter((webhook) => !page.after || isAfter(webhook, page.after))
      .sort((a, b) => +a.createdAt - +b.createdAt || a.id.localeCompare(b.id))
      .slice(0, page.limit)
      .map((webhook) => structuredClone(webhook));
  }

  async replace(id: string, definition: WebhookDefinition, at: Date): Promise<Webhook | undefined> {
    const current = this.rows.get(id);
    if (!current) return undefined;
    const disabledReason = definition.enabled ? null : current.disabledReason;
    const next = { ...current, ...structuredClone(definition), disabledReason, updatedAt: at };
    this.rows.set(id, next);
    return structuredClone(next);
  }

  async remove(id: string): Promise<boolean> {
    this.secrets.delete(id);
    return this.rows.delete(id);
  }

  async rotateSecret(id: string, secret: string, previousUntil: Date, at: Date): Promise<Webhook | undefined> {
    const current = this.rows.get(id);
    if (!current) return undefined;
    this.secrets.set(id, { current: secret, previous: this.secrets.get(id)!.current });
    const next = { ...current, previousSecretExpiresAt: previousUntil, updatedAt: at };
    this.rows.set(id, next);
    return structuredClone(next);
  }
}

/**
 * The DeliveryLog contract in memory: deliveries of the events in `events` (an outbox's list), to the webhooks of
 * `webhooks`. Webhooks select by event type here; the job-label filter is left to the real store's tests.
 */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly rows: Delivery[] = [];

  constructor(
    private readonly webhooks: InMemoryWebhookRepository,
    private readonly events: StoredEvent[] = [],
  ) {}

  async list(query: DeliveryQuery): Promise<Delivery[]> {
    return this.rows
      .filter((row) => row.webhookId === query.webhookId && (!query.status || row.status === query.status))
      .filter((row) => !query.after || isAfter(query.after, row))
      .sort((a, b) => +b.createdAt - +a.createdAt || b.id.localeCompare(a.id))
      .slice(0, query.limit)
      .map((row) => structuredClone(row));
  }

  async get(webhookId: string, deliveryId: string): Promise<Delivery | undefined> {
    const row = this.rows.find((delivery) => delivery.id === deliveryId && delivery.webhookId === webhookId);
    return row && structuredClone(row);
  }

  async replay(webhookId: string, deliveryId: string, newId: string, now: Date): Promise<Delivery | 'in-flight' | undefined> {
    const original = this.rows.find((delivery) => delivery.id === deliveryId && delivery.webhookId === webhookId);
    if (!original) return undefined;
    if (this.inFlight(webhookId, original.eventId)) return 'in-flight';
    return this.add({ ...original, id: newId }, now);
  }

  async replaySince(webhookId: string, since: Date, now: Date, limit: number): Promise<number> {
    const webhook = await this.webhooks.get(webhookId);
    if (!webhook) return 0;
    const chosen = this.events
      .filter((event) => event.time >= since && selectsEventType(webhook.eventTypes, event.type))
      .filter((event) => !this.inFlight(webhookId, event.id))
      .slice(0, limit);
    for (const event of chosen) {
      const delivery = { webhookId, eventId: event.id, eventType: event.type, jobId: event.subject };
      this.add({ ...delivery, id: `00000000-0000-4000-9000-${String(this.rows.length + 1).padStart(12, '0')}` }, now);
    }
    return chosen.length;
  }

  async enqueueTest(webhookId: string, deliveryId: string, event: TestEvent, now: Date): Promise<Delivery> {
    return this.add({ id: deliveryId, webhookId, eventId: event.id, eventType: event.type, jobId: null }, now);
  }

  private inFlight(webhookId: string, eventId: string): boolean {
    return this.rows.some((row) => row.webhookId === webhookId && row.eventId === eventId && ['pending', 'failed'].includes(row.status));
  }

  private add(delivery: Pick<Delivery, 'id' | 'webhookId' | 'eventId' | 'eventType' | 'jobId'>, now: Date): Delivery {
    const { id, webhookId, eventId, eventType, jobId } = delivery;
    const row: Delivery = {
      ...{ id, webhookId, eventId, eventType, jobId },
      status: 'pending',
      attempts: [],
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.push(row);
    return structuredClone(row);
  }
}
