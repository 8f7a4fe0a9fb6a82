import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Delivery, TestEvent, Webhook, WebhookDefinition } from '../../../domain/entities/webhook.js';
import type { DeliveryLog, DeliveryQuery, WebhookRepository } from '../../../domain/ports/output/webhook-repository.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { events } from './schema.js';
import {
  definitionColumns,
  dispatchPosition,
  insertDeliveriesSql,
  storedTestEvent,
  toDelivery,
  toWebhook,
  unfinishedDelivery,
} from './webhook-rows.js';
import { webhookDeliveries, webhooks } from './webhook-tables.js';

export class DrizzleWebhookRepository implements WebhookRepository {
  constructor(private readonly db: AppDatabase) {}

  async insert(webhook: Webhook, secret: string): Promise<void> {
    await withStorageErrors(() =>
      this.db.insert(webhooks).values({
        ...definitionColumns(webhook),
        id: webhook.id,
        disabledReason: webhook.disabledReason,
        secret,
        createdAt: webhook.createdAt,
        updatedAt: webhook.updatedAt,
      }),
    );
  }

  async get(id: string): Promise<Webhook | undefined> {
    const [row] = await withStorageErrors(() => this.db.select().from(webhooks).where(eq(webhooks.id, id)));
    return row && toWebhook(row);
  }

  async list(page: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Webhook[]> {
    const after = page.after && sql`(${webhooks.createdAt}, ${webhooks.id}) > (${page.after.createdAt.toISOString()}::timestamptz, ${page.after.id})`;
    const rows = await withStorageErrors(() =>
      this.db.select().from(webhooks).where(after).orderBy(asc(webhooks.createdAt), asc(webhooks.id)).limit(page.limit),
    );
    return rows.map(toWebhook);
  }

  async replace(id: string, definition: WebhookDefinition, at: Date): Promise<Webhook | undefined> {
    // Turned on again, it no longer carries the reason it was turned off for.
    const reason = definition.enabled ? { disabledReason: null } : {};
    const [row] = await withStorageErrors(() =>
      this.db
        .update(webhooks)
        .set({ ...definitionColumns(definition), ...reason, updatedAt: at })
        .where(eq(webhooks.id, id))
        .returning(),
    );
    return row && toWebhook(row);
  }

  async remove(id: string): Promise<boolean> {
    const removed = await withStorageErrors(() => this.db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id }));
    return removed.length > 0;
  }

  async rotateSecret(id: string, secret: string, previousUntil: Date, at: Date): Promise<Webhook | undefined> {
    // The right-hand sides read the row as it was: the current secret becomes the previous one.
    const [row] = await withStorageErrors(() =>
      this.db
        .update(webhooks)
        .set({ previousSecret: sql`${webhooks.secret}`, secret, previousSecretUntil: previousUntil, updatedAt: at })
        .where(eq(webhooks.id, id))
        .returning(),
    );
    return row && toWebhook(row);
  }
}

/** The columns of a new pending delivery, due `now`. */
function pendingColumns(now: Date) {
  return { status: 'pending' as const, nextAttemptAt: now, createdAt: now, updatedAt: now };
}

export class DrizzleDeliveryLog implements DeliveryLog {
  constructor(private readonly db: AppDatabase) {}

  async list(query: DeliveryQuery): Promise<Delivery[]> {
    const d = webhookDeliveries;
    const conditions: (SQL | undefined)[] = [eq(d.webhookId, query.webhookId), query.status && eq(d.status, query.status)];
    if (query.after) {
      conditions.push(sql`(${d.createdAt}, ${d.id}) < (${query.after.createdAt.toISOString()}::timestamptz, ${query.after.id})`);
    }
    const rows = await withStorageErrors(() =>
      this.db
        .select()
        .from(d)
        .where(and(...conditions))
        .orderBy(desc(d.createdAt), desc(d.id))
        .limit(query.limit),
    );
    return rows.map(toDelivery);
  }

  async get(webhookId: string, deliveryId: string): Promise<Delivery | undefined> {
    const d = webhookDeliveries;
    const [row] = await withStorageErrors(() =>
      this.db.select().from(d).where(and(eq(d.webhookId, webhookId), eq(d.id, deliveryId))),
    );
    return row && toDelivery(row);
  }

  async replay(webhookId: string, deliveryId: string, newId: string, now: Date): Promise<Delivery | 'in-flight' | undefined> {
    const d = webhookDeliveries;
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        if (!(await lockWebhook(tx, webhookId))) return undefined;
        const [original] = await tx.select().from(d).where(and(eq(d.webhookId, webhookId), eq(d.id, deliveryId)));
        if (!original) return undefined;
        const [busy] = await tx
          .select({ id: d.id })
          .from(d)
          .where(and(eq(d.webhookId, webhookId), eq(d.eventId, original.eventId), unfinishedDelivery))
          .limit(1);
        if (busy) return 'in-flight';
        if (!original.testEvent) {
          const [stored] = await tx.select({ id: events.id }).from(events).where(eq(events.id, original.eventId));
          if (!stored) return undefined;
        }
        const { eventId, eventType, jobId, eventTx, eventSeq, testEvent } = original;
        const [row] = await tx
          .insert(d)
          .values({ id: newId, webhookId, eventId, eventType, jobId, eventTx, eventSeq, testEvent, ...pendingColumns(now) })
          .returning();
        return toDelivery(row!);
      }),
    );
  }

  async replaySince(webhookId: string, since: Date, now: Date, limit: number): Promise<number> {
    // Only events already fanned out (which are committed and visible): the dispatch delivers the later ones.
    const insert = insertDeliveriesSql(
      {
        from: sql`${events} e join ${webhooks} w on w.id = ${webhookId}`,
        where: sql`e.time >= ${since.toISOString()}::timestamptz and (e.tx, e.seq) <= ${dispatchPosition}
          and not exists (
            select 1 from ${webhookDeliveries} u
            where u.webhook_id = w.id and u.event_id = e.id and u.status in ('pending', 'failed'))`,
        tail: sql`order by e.tx, e.seq limit ${limit}`,
      },
      now,
    );
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        if (!(await lockWebhook(tx, webhookId))) return 0;
        const result = await tx.execute(sql`with inserted as (${insert}) select count(*)::int as n from inserted`);
        return rowsOf<{ n: number }>(result)[0]!.n;
      }),
    );
  }

  async enqueueTest(webhookId: string, deliveryId: string, event: TestEvent, now: Date): Promise<Delivery> {
    const [row] = await withStorageErrors(() =>
      this.db
        .insert(webhookDeliveries)
        .values({
          id: deliveryId,
          webhookId,
          eventId: event.id,
          eventType: event.type,
          testEvent: storedTestEvent(event),
          ...pendingColumns(now),
        })
        .returning(),
    );
    return toDelivery(row!);
  }
}

/**
 * Locks the webhook's row against other replays of it, so that two cannot both find an event with nothing in
 * flight. Deliveries are still inserted beside it (their foreign key only needs a key share). False if none.
 */
async function lockWebhook(tx: Pick<AppDatabase, 'select'>, id: string): Promise<boolean> {
  const [row] = await tx.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.id, id)).for('no key update');
  return row !== undefined;
}
