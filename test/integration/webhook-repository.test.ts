import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleDeliveryLog, DrizzleWebhookRepository } from '../../adapters/output/repository/drizzle-webhook-repository.js';
import { DrizzleEventOutbox } from '../../adapters/output/repository/event-outbox.js';
import { DrizzleDeliveryQueue } from '../../adapters/output/repository/webhook-delivery-queue.js';
import { events } from '../../adapters/output/repository/schema.js';
import { webhookDeliveries, webhooks } from '../../adapters/output/repository/webhook-tables.js';
import type { DeliveryStatus } from '../../domain/entities/webhook.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aTestEvent, aWebhook, clearWebhookTables, later, newId, t0, WebhookFixtures } from '../support/webhooks.js';

const backends = await testBackends();
const DAY = 24 * 60 * 60 * 1000;

describe.each(backends)('webhooks and their deliveries on $name', (backend) => {
  let database: OpenedDatabase;
  let repository: DrizzleWebhookRepository;
  let log: DrizzleDeliveryLog;
  let fixtures: WebhookFixtures;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    repository = new DrizzleWebhookRepository(database.db);
    log = new DrizzleDeliveryLog(database.db);
    fixtures = new WebhookFixtures(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await clearWebhookTables(database.db);
  });

  const storedSecrets = async (id: string) => {
    const [row] = await database.db.select().from(webhooks).where(eq(webhooks.id, id));
    return { secret: row!.secret, previous: row!.previousSecret, until: row!.previousSecretUntil, pattern: row!.eventTypePattern };
  };

  /** Fans out every committed event to the webhooks. */
  async function dispatch(): Promise<void> {
    await fixtures.committed();
    await new DrizzleDeliveryQueue(database.db).dispatch(1000, t0);
  }

  /** Sets each delivery of `eventIds` (in that order) to the status given. */
  async function settle(statuses: Record<string, DeliveryStatus>): Promise<void> {
    for (const [eventId, status] of Object.entries(statuses)) {
      await database.db.update(webhookDeliveries).set({ status }).where(eq(webhookDeliveries.eventId, eventId));
    }
  }

  describe('webhooks', () => {
    it('stores a definition and reads it back without its secret, its globs matched by one stored regex', async () => {
      const webhook = aWebhook({ description: 'ops', eventTypes: ['run.*', 'job.created'], jobLabels: { team: 'data' } });
      await repository.insert(webhook, 'secret-1');
      expect(await repository.get(webhook.id)).toEqual(webhook);
      expect(await storedSecrets(webhook.id)).toEqual({ secret: 'secret-1', previous: null, until: null, pattern: '^(run\\..*|job\\.created)$' });
      expect(await repository.get(newId())).toBeUndefined();
    });

    it('lists oldest first, by creation time then id, after a given one', async () => {
      const second = await fixtures.webhook({}, 's', later(10));
      const first = await fixtures.webhook({}, 's', later(0));
      const third = await fixtures.webhook({}, 's', later(10));
      expect((await repository.list({ limit: 10 })).map((w) => w.id)).toEqual([first.id, second.id, third.id]);
      expect((await repository.list({ limit: 1, after: { createdAt: second.createdAt, id: second.id } })).map((w) => w.id)).toEqual([third.id]);
      expect((await repository.list({ limit: 2 })).map((w) => w.id)).toEqual([first.id, second.id]);
    });

    it('replaces the definition; turning it on again clears why it was turned off', async () => {
      const webhook = await fixtures.webhook({ eventTypes: ['run.*'] });
      await database.db.update(webhooks).set({ enabled: false, disabledReason: 'answered 410 Gone' }).where(eq(webhooks.id, webhook.id));
      const stillOff = await repository.replace(webhook.id, { ...webhook, url: 'https://other.example/', enabled: false }, later(1));
      expect(stillOff).toMatchObject({ url: 'https://other.example/', enabled: false, disabledReason: 'answered 410 Gone', updatedAt: later(1) });
      const on = await repository.replace(webhook.id, { ...webhook, eventTypes: ['job.*'], jobLabels: { a: 'b' }, enabled: true }, later(2));
      expect(on).toEqual({ ...webhook, eventTypes: ['job.*'], jobLabels: { a: 'b' }, enabled: true, disabledReason: null, updatedAt: later(2) });
      expect(await repository.get(webhook.id)).toEqual(on);
      expect((await storedSecrets(webhook.id)).pattern).toBe('^(job\\..*)$');
      expect(await repository.replace(newId(), webhook, later(3))).toBeUndefined();
    });

    it('rotates the secret: the current one becomes the previous one until the time given', async () => {
      const webhook = await fixtures.webhook({}, 'secret-1');
      const rotated = await repository.rotateSecret(webhook.id, 'secret-2', later(100), later(1));
      expect(rotated).toEqual({ ...webhook, previousSecretExpiresAt: later(100), updatedAt: later(1) });
      expect(await storedSecrets(webhook.id)).toMatchObject({ secret: 'secret-2', previous: 'secret-1', until: later(100) });
      await repository.rotateSecret(webhook.id, 'secret-3', later(200), later(2));
      expect(await storedSecrets(webhook.id)).toMatchObject({ secret: 'secret-3', previous: 'secret-2', until: later(200) });
      expect(await repository.rotateSecret(newId(), 'x', later(1), later(1))).toBeUndefined();
    });

    it('removes a webhook with its deliveries', async () => {
      const webhook = await fixtures.webhook();
      const other = await fixtures.webhook();
      await log.enqueueTest(webhook.id, newId(), aTestEvent(webhook.id), t0);
      const kept = await log.enqueueTest(other.id, newId(), aTestEvent(other.id), t0);
      expect(await repository.remove(webhook.id)).toBe(true);
      expect(await repository.remove(webhook.id)).toBe(false);
      expect((await fixtures.deliveries()).map((row) => row.id)).toEqual([kept.id]);
    });
  });

  describe('the delivery log', () => {
    it('queues a test delivery to this webhook only, with no job and its own payload', async () => {
      const webhook = await fixtures.webhook();
      const test = aTestEvent(webhook.id);
      const id = newId();
      const delivery = await log.enqueueTest(webhook.id, id, test, later(5));
      expect(delivery).toEqual({
        id, webhookId: webhook.id, eventId: test.id, eventType: 'webhook.test', jobId: null, status: 'pending', attempts: [],
        nextAttemptAt: later(5), createdAt: later(5), updatedAt: later(5),
      });
      expect(await log.get(webhook.id, id)).toEqual(delivery);
      expect(await log.get((await fixtures.webhook()).id, id)).toBeUndefined();
      expect(await fixtures.delivery(id)).toMatchObject({ eventTx: null, eventSeq: null, testEvent: { ...test, time: t0.toISOString() } });
    });

    it('lists newest first, by status if asked, after a given one', async () => {
      const webhook = await fixtures.webhook();
      const ids = [newId(), newId(), newId(), newId()];
      for (const [index, id] of ids.entries()) await log.enqueueTest(webhook.id, id, aTestEvent(webhook.id), later(index % 2));
      await fixtures.setDelivery(ids[2]!, { status: 'dead' });
      const other = await fixtures.webhook();
      await log.enqueueTest(other.id, newId(), aTestEvent(other.id), later(9));
      const list = async (query: Partial<Parameters<typeof log.list>[0]>) =>
        (await log.list({ webhookId: webhook.id, limit: 10, ...query })).map((delivery) => delivery.id);
      // Created at 0, 1, 0, 1 seconds: newest first, the later id first among equal times.
      expect(await list({})).toEqual([ids[3], ids[1], ids[2], ids[0]]);
      expect(await list({ limit: 2 })).toEqual([ids[3], ids[1]]);
      expect(await list({ after: { createdAt: later(1), id: ids[1]! } })).toEqual([ids[2], ids[0]]);
      expect(await list({ status: 'dead' })).toEqual([ids[2]]);
      expect(await list({ status: 'pending', after: { createdAt: later(1), id: ids[3]! } })).toEqual([ids[1], ids[0]]);
    });

    it('replays a delivery as a new one of the same event, unless that event is still in flight or gone', async () => {
      const webhook = await fixtures.webhook();
      const job = await fixtures.job({});
      const event = await fixtures.event('run.failed', job);
      await dispatch();
      const [original] = await fixtures.deliveries();
      expect(await log.replay(webhook.id, original!.id, newId(), later(1))).toBe('in-flight');
      await settle({ [event.id]: 'dead' });
      const id = newId();
      expect(await log.replay(webhook.id, original!.id, id, later(1))).toEqual({
        id, webhookId: webhook.id, eventId: event.id, eventType: 'run.failed', jobId: job, status: 'pending', attempts: [],
        nextAttemptAt: later(1), createdAt: later(1), updatedAt: later(1),
      });
      expect(await fixtures.delivery(id)).toMatchObject({ eventTx: original!.eventTx, eventSeq: original!.eventSeq, testEvent: null });
      expect(await log.replay(webhook.id, original!.id, newId(), later(2))).toBe('in-flight');
      await settle({ [event.id]: 'succeeded' });
      expect(await log.replay((await fixtures.webhook()).id, original!.id, newId(), later(2))).toBeUndefined();
      expect(await log.replay(webhook.id, newId(), newId(), later(2))).toBeUndefined();
      await database.db.delete(events).where(eq(events.id, event.id));
      expect(await log.replay(webhook.id, original!.id, newId(), later(2))).toBeUndefined();
    });

    it('replays a test delivery, which has no stored event', async () => {
      const webhook = await fixtures.webhook();
      const test = aTestEvent(webhook.id);
      const original = await log.enqueueTest(webhook.id, newId(), test, t0);
      await fixtures.setDelivery(original.id, { status: 'succeeded' });
      const replayed = await log.replay(webhook.id, original.id, newId(), later(1));
      expect(replayed).toMatchObject({ eventId: test.id, eventType: 'webhook.test', jobId: null, status: 'pending' });
      expect((await fixtures.delivery((replayed as { id: string }).id))!.testEvent).toEqual({ ...test, time: t0.toISOString() });
    });

    it('replays the events since a time that the webhook selects now, oldest first, skipping those in flight', async () => {
      const webhook = await fixtures.webhook({ eventTypes: ['run.*'], jobLabels: { team: 'data' } });
      const data = await fixtures.job({ team: 'data' });
      const web = await fixtures.job({ team: 'web' });
      await fixtures.event('run.failed', data, later(-10));
      // Selected and settled: failed and started. Not selected: the web job's, job.replaced. In flight: the others.
      const [failed, , , , started] = [
        await fixtures.event('run.failed', data, later(0)),
        await fixtures.event('run.failed', web, later(1)),
        await fixtures.event('job.replaced', data, later(2)),
        await fixtures.event('run.queued', data, later(3)),
        await fixtures.event('run.started', data, later(4)),
        await fixtures.event('run.succeeded', data, later(5)),
      ];
      await dispatch();
      await settle({ [failed!.id]: 'succeeded', [started!.id]: 'dead' });
      // Not fanned out yet: the dispatch will deliver it.
      await fixtures.event('run.stopped', data, later(6));
      await fixtures.committed();
      expect(await log.replaySince(webhook.id, t0, later(10), 1)).toBe(1);
      expect(await log.replaySince(webhook.id, t0, later(11), 10)).toBe(1);
      expect(await log.replaySince(webhook.id, t0, later(12), 10)).toBe(0);
      const replays = (await fixtures.deliveries()).filter((row) => row.createdAt >= later(10));
      expect(replays.map((row) => [row.eventId, row.status, row.jobId, row.nextAttemptAt])).toEqual([
        [failed!.id, 'pending', data, later(10)],
        [started!.id, 'pending', data, later(11)],
      ]);
      expect(await log.replaySince(newId(), t0, later(12), 10)).toBe(0);
    });
  });

  it('sweeps old events except those not fanned out yet or with a delivery pending or failed', async () => {
    await fixtures.webhook();
    const job = await fixtures.job({});
    const old = new Date(t0.getTime() - 30 * DAY);
    const [delivered, pending, failed, dead] = [
      await fixtures.event('job.replaced', job, old),
      await fixtures.event('job.replaced', job, old),
      await fixtures.event('job.replaced', job, old),
      await fixtures.event('job.replaced', job, old),
    ];
    const recent = await fixtures.event('job.replaced', job, t0);
    await dispatch();
    await settle({ [delivered!.id]: 'succeeded', [failed!.id]: 'failed', [dead!.id]: 'dead' });
    const waiting = await fixtures.event('job.replaced', job, old);
    const outbox = new DrizzleEventOutbox(database.db);
    expect(await outbox.removeOlderThan(new Date(t0.getTime() - 14 * DAY), 1)).toBe(1);
    expect(await outbox.removeOlderThan(new Date(t0.getTime() - 14 * DAY), 10)).toBe(1);
    const kept = (await database.db.select({ id: events.id }).from(events).orderBy(events.seq)).map((row) => row.id);
    expect(kept).toEqual([pending!.id, failed!.id, recent.id, waiting.id]);
  });
});
