import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleDeliveryLog, DrizzleWebhookRepository } from '../../adapters/output/repository/drizzle-webhook-repository.js';
import { DrizzleEventOutbox } from '../../adapters/output/repository/event-outbox.js';
import { DrizzleDeliveryQueue } from '../../adapters/output/repository/webhook-delivery-queue.js';
import { events } from '../../adapters/output/repository/schema.js';
import { webhookDispatch } from '../../adapters/output/repository/webhook-tables.js';
import type { Webhook } from '../../domain/entities/webhook.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aTestEvent, anAttempt, clearWebhookTables, later, newId, t0, WebhookFixtures } from '../support/webhooks.js';

const backends = await testBackends();

describe.each(backends)('webhook delivery queue on $name', (backend) => {
  let database: OpenedDatabase;
  let queue: DrizzleDeliveryQueue;
  let fixtures: WebhookFixtures;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    queue = new DrizzleDeliveryQueue(database.db);
    fixtures = new WebhookFixtures(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await clearWebhookTables(database.db);
  });

  /** Fans out every committed event; resolves with how many events the calls went past. */
  async function dispatchAll(batch = 100, now = t0): Promise<number> {
    await fixtures.committed();
    let total = 0;
    for (let read = await queue.dispatch(batch, now); read > 0; read = await queue.dispatch(batch, now)) total += read;
    return total;
  }

  const claimedIds = async (owner: string, now: Date, leaseUntil = later(600)) =>
    (await queue.claim(owner, 10, now, leaseUntil)).map((claimed) => claimed.delivery.id);

  describe('dispatch', () => {
    it('fans each event out to the enabled webhooks that select it, by type glob and job labels', async () => {
      const data = await fixtures.job({ team: 'data', env: 'prod' });
      const web = await fixtures.job({ team: 'web' });
      const purged = newId();
      const runs = await fixtures.webhook({ eventTypes: ['run.*'] });
      const dataJobs = await fixtures.webhook({ eventTypes: ['job.*', 'run.failed'], jobLabels: { team: 'data' } });
      const everything = await fixtures.webhook({ eventTypes: ['*'] });
      await fixtures.webhook({ eventTypes: ['*'], enabled: false });
      const queued = await fixtures.event('run.queued', data);
      await fixtures.event('run.failed', web);
      await fixtures.event('job.created', data);
      await fixtures.event('schedule.paused', web);
      // A job purged since: the labels the event carries stand in for its row.
      const deleted = await fixtures.event('job.deleted', purged, t0, { id: purged, labels: { team: 'data' } });

      expect(await dispatchAll()).toBe(5);
      const name = (id: string) => ({ [runs.id]: 'runs', [dataJobs.id]: 'dataJobs', [everything.id]: 'everything' })[id];
      expect((await fixtures.deliveries()).map((row) => [row.eventType, name(row.webhookId)]).sort()).toEqual([
        ['job.created', 'dataJobs'], ['job.created', 'everything'], ['job.deleted', 'dataJobs'], ['job.deleted', 'everything'],
        ['run.failed', 'everything'], ['run.failed', 'runs'], ['run.queued', 'everything'], ['run.queued', 'runs'],
        ['schedule.paused', 'everything'],
      ]);
      const [first] = (await fixtures.deliveries()).filter((row) => row.webhookId === everything.id);
      expect(first).toMatchObject({
        eventId: queued.id, eventType: 'run.queued', jobId: data, eventSeq: BigInt(queued.sequence), status: 'pending',
        attempts: [], attemptCount: 0, nextAttemptAt: t0, leaseOwner: null, testEvent: null,
      });
      const [position] = await database.db.select().from(webhookDispatch);
      expect(position!.seq).toBe(BigInt(deleted.sequence));
    });

    it('goes past at most `limit` events per call, in outbox order, and each once', async () => {
      const job = await fixtures.job({});
      await fixtures.webhook();
      const appended = [];
      for (let i = 0; i < 5; i++) appended.push(await fixtures.event('job.replaced', job));
      await fixtures.committed();
      expect([await queue.dispatch(2, t0), await queue.dispatch(2, t0), await queue.dispatch(2, t0), await queue.dispatch(2, t0)]).toEqual([2, 2, 1, 0]);
      expect((await fixtures.deliveries()).map((row) => row.eventId)).toEqual(appended.map((event) => event.id));
    });

    it('fans each event out exactly once while instances dispatch at the same time', async () => {
      const job = await fixtures.job({});
      const hooks = [await fixtures.webhook(), await fixtures.webhook({ eventTypes: ['job.*'] })];
      await new DrizzleEventOutbox(database.db).append(
        Array.from({ length: 60 }, (_, i) => ({ type: 'job.replaced' as const, subject: job, time: t0, data: { i } })),
      );
      await fixtures.committed();
      // On PostgreSQL each call runs on its own pooled connection; on PGlite the transactions queue.
      const instance = async () => {
        let read = 0;
        for (let call = 0; call < 8; call++) read += await queue.dispatch(7, t0);
        return read;
      };
      const reads = await Promise.all([instance(), instance(), instance(), instance()]);
      const total = reads.reduce((sum, read) => sum + read, 0) + (await dispatchAll(7));
      expect(total).toBe(60);
      const rows = await fixtures.deliveries();
      expect(rows).toHaveLength(120);
      expect(new Set(rows.map((row) => `${row.webhookId}/${row.eventId}`)).size).toBe(120);
      expect(new Set(rows.map((row) => row.webhookId))).toEqual(new Set(hooks.map((hook) => hook.id)));
    });

    // Two transactions at once need two connections: PGlite has one (a second transaction waits for the first).
    if (backend.name === 'postgres') definePositionTests();
  });

  function definePositionTests() {
    it('does nothing while another instance holds the position', async () => {
      await fixtures.webhook();
      await fixtures.event('job.created', await fixtures.job({}));
      await fixtures.committed();
      await database.db.transaction(async (tx) => {
        await tx.select().from(webhookDispatch).for('update');
        expect(await queue.dispatch(10, t0)).toBe(0);
      });
      expect(await dispatchAll()).toBe(1);
    });

    it('holds back an event whose transaction is still open, and every event after it', async () => {
      const job = await fixtures.job({});
      await fixtures.webhook();
      let late = '';
      await database.db.transaction(async (tx) => {
        await new DrizzleEventOutbox(tx).append([{ type: 'job.created', subject: job, time: t0, data: {} }]);
        const [held] = await tx.select({ id: events.id }).from(events);
        late = held!.id;
        await fixtures.event('job.replaced', job);
        expect(await queue.dispatch(10, t0)).toBe(0);
      });
      expect(await dispatchAll()).toBe(2);
      expect((await fixtures.deliveries()).map((row) => [row.eventId === late, row.eventType])).toEqual([
        [true, 'job.created'],
        [false, 'job.replaced'],
      ]);
    });
  }

  describe('claims', () => {
    let hook: Webhook;
    let jobA: string;
    let jobB: string;

    beforeEach(async () => {
      hook = await fixtures.webhook({}, 'secret-1');
      jobA = await fixtures.job({});
      jobB = await fixtures.job({});
    });

    /** The deliveries of one event about each of `jobs`, in that order. */
    async function deliveriesOf(jobs: string[]): Promise<string[]> {
      for (const job of jobs) await fixtures.event('job.replaced', job);
      await dispatchAll();
      return (await fixtures.deliveries()).map((row) => row.id);
    }

    it('claims only the oldest unfinished delivery of each webhook and job, with what it takes to send it', async () => {
      const [a1, a2, b1, a3] = await deliveriesOf([jobA, jobA, jobB, jobA]);
      const claimed = await queue.claim('one', 10, t0, later(1000));
      expect(claimed.map((c) => c.delivery.id).sort()).toEqual([a1, b1].sort());
      const first = claimed.find((c) => c.delivery.id === a1)!;
      const [event] = await new DrizzleEventOutbox(database.db).list({ jobId: jobA, limit: 1 });
      expect(first).toEqual({
        delivery: {
          id: a1, webhookId: hook.id, eventId: event!.id, eventType: 'job.replaced', jobId: jobA, status: 'pending',
          attempts: [], nextAttemptAt: t0, createdAt: t0, updatedAt: t0,
        },
        url: hook.url,
        secrets: { current: 'secret-1', previous: null },
        event,
      });
      // a2 waits while a1 is claimed by another instance, then while a1 waits for its retry.
      expect(await claimedIds('two', later(1))).toEqual([]);
      expect(await queue.recordAttempt('one', a1!, anAttempt(later(2)), { status: 'failed', nextAttemptAt: later(60) })).toBe(true);
      expect(await claimedIds('two', later(3))).toEqual([]);
      expect(await claimedIds('two', later(60))).toEqual([a1]);
      await queue.recordAttempt('two', a1!, anAttempt(later(61), 200), { status: 'succeeded', nextAttemptAt: null });
      expect(await claimedIds('two', later(62))).toEqual([a2]);
      await queue.recordAttempt('two', a2!, anAttempt(later(63)), { status: 'dead', nextAttemptAt: null });
      expect(await claimedIds('two', later(64))).toEqual([a3]);
    });

    it('takes over a lease that ran out; the instance that lost it can no longer record', async () => {
      const [delivery] = await deliveriesOf([jobA]);
      expect(await claimedIds('one', t0, later(30))).toEqual([delivery]);
      expect(await claimedIds('two', later(29))).toEqual([]);
      expect(await claimedIds('two', later(31))).toEqual([delivery]);
      expect(await queue.recordAttempt('one', delivery!, anAttempt(later(32), 200), { status: 'succeeded', nextAttemptAt: null })).toBe(false);
      expect(await queue.recordAttempt('two', delivery!, anAttempt(later(33)), { status: 'failed', nextAttemptAt: later(90) })).toBe(true);
      expect(await claimedIds('two', later(90))).toEqual([delivery]);
      expect(await queue.recordAttempt('two', delivery!, anAttempt(later(91), 204), { status: 'succeeded', nextAttemptAt: null })).toBe(true);
      expect(await fixtures.delivery(delivery!)).toMatchObject({
        status: 'succeeded', attemptCount: 2, nextAttemptAt: null, leaseOwner: null, leaseUntil: null, updatedAt: later(91),
        attempts: [
          { at: later(33).toISOString(), statusCode: 500, durationMs: 12, responseExcerpt: 'nope', error: 'answered 500' },
          { at: later(91).toISOString(), statusCode: 204, durationMs: 12, responseExcerpt: 'ok', error: null },
        ],
      });
      expect((await new DrizzleDeliveryLog(database.db).get(hook.id, delivery!))!.attempts[1]!.at).toEqual(later(91));
    });

    it('hands back the claims of an instance that releases them', async () => {
      const [a1, b1] = await deliveriesOf([jobA, jobB]);
      expect((await claimedIds('one', t0)).sort()).toEqual([a1, b1].sort());
      await queue.release('one');
      expect((await claimedIds('two', later(1))).sort()).toEqual([a1, b1].sort());
    });

    it('turns the webhook off on disableWebhook, and claims none of its deliveries until it is on again', async () => {
      const [a1, b1] = await deliveriesOf([jobA, jobB]);
      await queue.claim('one', 10, t0, later(30));
      await queue.recordAttempt('one', a1!, anAttempt(later(1), 410), { status: 'dead', nextAttemptAt: null, disableWebhook: 'answered 410 Gone' });
      await queue.release('one');
      const webhooks = new DrizzleWebhookRepository(database.db);
      expect(await webhooks.get(hook.id)).toMatchObject({ enabled: false, disabledReason: 'answered 410 Gone', updatedAt: later(1) });
      expect(await claimedIds('two', later(2))).toEqual([]);
      await webhooks.replace(hook.id, { ...hook, enabled: true }, later(3));
      expect(await claimedIds('two', later(4))).toEqual([b1]);
    });

    it('claims a test delivery with its own payload, signed with the previous secret too while it lasts', async () => {
      const test = aTestEvent(hook.id);
      const delivery = await new DrizzleDeliveryLog(database.db).enqueueTest(hook.id, newId(), test, t0);
      await new DrizzleWebhookRepository(database.db).rotateSecret(hook.id, 'secret-2', later(100), t0);
      const [claimed] = await queue.claim('one', 10, t0, later(30));
      expect(claimed).toMatchObject({ delivery: { id: delivery.id, jobId: null }, secrets: { current: 'secret-2', previous: 'secret-1' }, event: test });
      await queue.release('one');
      const [again] = await queue.claim('one', 10, later(100), later(130));
      expect(again!.secrets).toEqual({ current: 'secret-2', previous: null });
    });

    it('gives up on a delivery whose event is gone instead of claiming it', async () => {
      const [a1, b1] = await deliveriesOf([jobA, jobB]);
      await database.db.delete(events).where(eq(events.subject, jobA));
      expect(await claimedIds('one', later(1))).toEqual([b1]);
      expect(await fixtures.delivery(a1!)).toMatchObject({ status: 'dead', nextAttemptAt: null, leaseOwner: null, updatedAt: later(1) });
    });
  });

  it('removes settled deliveries last changed before a time, in batches, and counts the backlog', async () => {
    const hook = await fixtures.webhook();
    const log = new DrizzleDeliveryLog(database.db);
    const ids = Array.from({ length: 6 }, () => newId());
    for (const id of ids) await log.enqueueTest(hook.id, id, aTestEvent(hook.id), t0);
    const settled = [['succeeded', 10], ['dead', 20], ['succeeded', 200], ['failed', 5], ['dead', 300]] as const;
    for (const [index, [status, seconds]] of settled.entries()) await fixtures.setDelivery(ids[index]!, { status, updatedAt: later(seconds) });
    expect(await queue.backlog()).toEqual({ waiting: 2, dead: 2 });
    expect(await queue.removeSettledBefore(later(100), 1)).toBe(1);
    expect(await queue.removeSettledBefore(later(100), 10)).toBe(1);
    expect(await queue.removeSettledBefore(later(100), 10)).toBe(0);
    expect((await fixtures.deliveries()).map((row) => row.id)).toEqual(ids.slice(2));
    expect(await queue.backlog()).toEqual({ waiting: 2, dead: 1 });
  });
});
