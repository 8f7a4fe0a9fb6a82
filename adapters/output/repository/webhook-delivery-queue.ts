import { and, asc, eq, getTableColumns, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { ClaimedDelivery, DeliveryAttempt, DeliveryStatus } from '../../../domain/entities/webhook.js';
import type { DeliveryQueue } from '../../../domain/ports/output/webhook-repository.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { visibilityHorizon } from './event-outbox.js';
import { events } from './schema.js';
import { insertDeliveriesSql, storedAttempt, toDelivery, toStoredEvent, toTestEvent, unfinishedDelivery } from './webhook-rows.js';
import { webhookDeliveries as d, webhookDispatch, webhooks } from './webhook-tables.js';

/**
 * The head of each (webhook, job) queue of unfinished deliveries. The pairs are found by skipping through the order
 * index (one probe per pair, however many deliveries wait behind each: a receiver down for hours leaves long queues
 * behind few heads), then each pair's first delivery in outbox order.
 */
const queueHeads = sql`
  with recursive pair as (
    (select webhook_id, job_id from ${d}
     where status in ('pending', 'failed') and job_id is not null
     order by webhook_id, job_id limit 1)
    union all
    select following.webhook_id, following.job_id from pair cross join lateral (
      select webhook_id, job_id from ${d}
      where status in ('pending', 'failed') and job_id is not null and (webhook_id, job_id) > (pair.webhook_id, pair.job_id)
      order by webhook_id, job_id limit 1
    ) following
  )
  select (
    select head.id from ${d} head
    where head.webhook_id = pair.webhook_id and head.job_id = pair.job_id and head.status in ('pending', 'failed')
    order by head.event_tx, head.event_seq limit 1
  ) from pair`;

export class DrizzleDeliveryQueue implements DeliveryQueue {
  constructor(private readonly db: AppDatabase) {}

  async dispatch(limit: number, now: Date): Promise<number> {
    // The batch is read in outbox order and only below the visibility horizon (see event-outbox.ts), so no event
    // can still commit behind the position once it has moved past.
    const fanOut = sql`
      with batch as (
        select e.id, e.tx, e.seq, e.type, e.subject, e.data from ${events} e
        where (e.tx, e.seq) > (select tx, seq from ${webhookDispatch} where id = 1) and e.tx < ${visibilityHorizon}
        order by e.tx, e.seq
        limit ${limit}
      ), fanned as (
        ${insertDeliveriesSql({ from: sql`batch e join ${webhooks} w on w.enabled` }, now)}
      ), moved as (
        update ${webhookDispatch} set (tx, seq) = (select tx, seq from batch order by tx desc, seq desc limit 1)
        where id = 1 and exists (select 1 from batch)
      )
      select count(*)::int as n from batch`;
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        // One instance dispatches at a time; the others find the position locked and leave it to that one.
        const [position] = await tx.select().from(webhookDispatch).where(eq(webhookDispatch.id, 1)).for('update', { skipLocked: true });
        if (!position) return 0;
        return rowsOf<{ n: number }>(await tx.execute(fanOut))[0]!.n;
      }),
    );
  }

  async claim(owner: string, limit: number, now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const db = this.db;
    // One statement: lock the due rows, bury those whose event is gone, lease the others and read what they need.
    const picked = pickDueDeliveries(db, now, limit);
    const buried = db.$with('buried').as(
      db
        .update(d)
        .set({ status: 'dead', nextAttemptAt: null, updatedAt: now })
        .from(picked)
        .where(and(eq(d.id, picked.id), picked.gone))
        .returning({ id: d.id }),
    );
    const claimed = db.$with('claimed').as(
      db
        .update(d)
        .set({ leaseOwner: owner, leaseUntil })
        .from(picked)
        .where(and(eq(d.id, picked.id), sql`not ${picked.gone}`))
        .returning(getTableColumns(d)),
    );
    const rows = await withStorageErrors(() =>
      db
        .with(picked, buried, claimed)
        .select()
        .from(claimed)
        .innerJoin(webhooks, eq(webhooks.id, claimed.webhookId))
        .leftJoin(events, eq(events.id, claimed.eventId)),
    );
    return rows.map(({ claimed: delivery, webhooks: webhook, events: event }) => ({
      delivery: toDelivery(delivery),
      url: webhook.url,
      secrets: {
        current: webhook.secret,
        previous: webhook.previousSecretUntil && webhook.previousSecretUntil > now ? webhook.previousSecret : null,
      },
      event: delivery.testEvent ? toTestEvent(delivery.testEvent) : toStoredEvent(event!),
    }));
  }

  async recordAttempt(
    owner: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
    outcome: { status: DeliveryStatus; nextAttemptAt: Date | null; disableWebhook?: string },
  ): Promise<boolean> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const [recorded] = await tx
          .update(d)
          .set({
            attempts: sql`${d.attempts} || ${JSON.stringify([storedAttempt(attempt)])}::jsonb`,
            attemptCount: sql`${d.attemptCount} + 1`,
            status: outcome.status,
            nextAttemptAt: outcome.nextAttemptAt,
            leaseOwner: null,
            leaseUntil: null,
            updatedAt: attempt.at,
          })
          .where(and(eq(d.id, deliveryId), eq(d.leaseOwner, owner)))
          .returning({ webhookId: d.webhookId });
        if (!recorded) return false;
        if (outcome.disableWebhook !== undefined) {
          await tx
            .update(webhooks)
            .set({ enabled: false, disabledReason: outcome.disableWebhook, updatedAt: attempt.at })
            .where(eq(webhooks.id, recorded.webhookId));
        }
        return true;
      }),
    );
  }

  async release(owner: string): Promise<void> {
    await withStorageErrors(() => this.db.update(d).set({ leaseOwner: null, leaseUntil: null }).where(eq(d.leaseOwner, owner)));
  }

  async removeSettledBefore(before: Date, limit: number): Promise<number> {
    const oldest = this.db
      .select({ id: d.id })
      .from(d)
      .where(and(sql`${d.status} in ('succeeded', 'dead')`, lt(d.updatedAt, before)))
      .orderBy(asc(d.updatedAt))
      .limit(limit);
    const removed = await withStorageErrors(() => this.db.delete(d).where(inArray(d.id, oldest)).returning({ id: d.id }));
    return removed.length;
  }

  async backlog(): Promise<{ waiting: number; dead: number }> {
    const [counts] = await withStorageErrors(() =>
      this.db
        .select({
          waiting: sql<number>`count(*) filter (where ${unfinishedDelivery})`.mapWith(Number),
          dead: sql<number>`count(*) filter (where ${d.status} = 'dead')`.mapWith(Number),
        })
        .from(d),
    );
    return counts!;
  }
}

/**
 * Locks up to `limit` due deliveries, free or with a lease that ran out, of enabled webhooks, and says of each
 * whether its event is gone. Rows another instance is claiming right now are skipped, not waited for.
 */
function pickDueDeliveries(db: AppDatabase, now: Date, limit: number) {
  // A job's events reach a webhook in order: only the head of each (webhook, job) queue, its unfinished delivery
  // earliest in the outbox order, may go (whether claimed by someone or waiting for its retry, it holds the others
  // back). Test deliveries belong to no job and wait for nothing.
  return db.$with('picked').as(
    db
      .select({
        id: d.id,
        // The sweep keeps the events of unfinished deliveries; one missing anyway can never be sent.
        gone: sql<boolean>`${d.testEvent} is null and not exists (select 1 from ${events} where ${events.id} = ${d.eventId})`.as('gone'),
      })
      .from(d)
      .innerJoin(webhooks, eq(webhooks.id, d.webhookId))
      .where(
        and(
          unfinishedDelivery,
          lte(d.nextAttemptAt, now),
          or(isNull(d.leaseUntil), lt(d.leaseUntil, now)),
          eq(webhooks.enabled, true),
          or(isNull(d.jobId), sql`${d.id} in (${queueHeads})`),
        ),
      )
      .orderBy(asc(d.nextAttemptAt), asc(d.id))
      .limit(limit)
      .for('update', { of: d, skipLocked: true }),
  );
}
