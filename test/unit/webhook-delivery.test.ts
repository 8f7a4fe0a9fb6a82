import { describe, expect, it } from 'vitest';
import {
  deliveryBody,
  eventTypePattern,
  judgeAttempt,
  selectsEventType,
  type ClaimedDelivery,
  type DeliveryAttempt,
  type SendResult,
} from '../../domain/entities/webhook.js';
import type { DeliveryQueue } from '../../domain/ports/output/webhook-repository.js';
import type { WebhookMessage } from '../../domain/ports/output/webhook-sender.js';
import { WebhookDelivery, type AttemptOutcome } from '../../domain/services/webhooks/webhook-delivery.js';
import { FixedClock } from './fakes/fixed-clock.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const delays = [5_000, 30_000, 120_000];
const answer = (statusCode: number | null, extra: Partial<SendResult> = {}): SendResult => ({
  statusCode,
  durationMs: 12,
  responseExcerpt: null,
  ...(statusCode === null || statusCode >= 300 ? { error: 'no' } : {}),
  ...extra,
});

describe('event type globs', () => {
  it.each([
    [['run.*'], 'run.succeeded', true],
    [['run.*'], 'run.retry_scheduled', true],
    [['run.*'], 'schedule.paused', false],
    [['*'], 'job.deleted', true],
    [['run.failed', 'schedule.ticks_missed'], 'schedule.ticks_missed', true],
    [['run.failed'], 'run.failedx', false],
    [['run.failed'], 'xrun.failed', false],
    [['*.deleted'], 'job.deleted', true],
  ] as const)('%j selects %s: %s', (globs, type, selected) => {
    expect(selectsEventType(globs, type)).toBe(selected);
  });

  it('escapes dots, so that a dot matches only a dot', () => {
    expect(eventTypePattern(['run.failed'])).toBe('^(run\\.failed)$');
    expect(selectsEventType(['run.failed'], 'runXfailed')).toBe(false);
  });
});

describe('judging an attempt', () => {
  it('counts any 2xx as success', () => {
    expect(judgeAttempt(answer(204), 0, delays, now, 0.5)).toEqual({ status: 'succeeded' });
  });

  it('gives up on a 410 Gone at once, whatever attempts are left', () => {
    expect(judgeAttempt(answer(410), 0, delays, now, 0.5)).toEqual({ status: 'dead', gone: true });
  });

  it('waits the scheduled delay of the attempt, spread by ±20 %', () => {
    const at = (random: number, before: number) => judgeAttempt(answer(503), before, delays, now, random);
    expect(at(0.5, 0)).toEqual({ status: 'failed', nextAttemptAt: new Date(now.getTime() + 5_000) });
    expect(at(0, 1)).toEqual({ status: 'failed', nextAttemptAt: new Date(now.getTime() + 24_000) });
    expect(at(0.999999, 2)).toEqual({ status: 'failed', nextAttemptAt: new Date(now.getTime() + 144_000) });
  });

  it('is dead after the last retry, also when no response came', () => {
    expect(judgeAttempt(answer(null), 3, delays, now, 0.5)).toEqual({ status: 'dead', gone: false });
  });

  it("honours Retry-After, up to the longest delay", () => {
    expect(judgeAttempt(answer(429, { retryAfterMs: 60_000 }), 0, delays, now, 0.5)).toEqual({
      status: 'failed',
      nextAttemptAt: new Date(now.getTime() + 60_000),
    });
    expect(judgeAttempt(answer(503, { retryAfterMs: 86_400_000 }), 0, delays, now, 0.5)).toEqual({
      status: 'failed',
      nextAttemptAt: new Date(now.getTime() + 120_000),
    });
  });
});

/** A queue that hands out the deliveries it is given and records what the round made of them. */
class ScriptedQueue implements DeliveryQueue {
  readonly recorded: { id: string; attempt: DeliveryAttempt; status: string; nextAttemptAt: Date | null; disableWebhook?: string }[] = [];
  readonly claims: { owner: string; limit: number }[] = [];
  released: string[] = [];
  dispatched = 0;

  constructor(private waiting: ClaimedDelivery[]) {}

  async dispatch(): Promise<number> {
    return this.dispatched;
  }
  async claim(owner: string, limit: number): Promise<ClaimedDelivery[]> {
    this.claims.push({ owner, limit });
    const taken = this.waiting.slice(0, limit);
    this.waiting = this.waiting.slice(limit);
    return taken;
  }
  async recordAttempt(
    _owner: string,
    id: string,
    attempt: DeliveryAttempt,
    outcome: { status: string; nextAttemptAt: Date | null; disableWebhook?: string },
  ): Promise<boolean> {
    this.recorded.push({ id, attempt, ...outcome });
    return true;
  }
  async release(owner: string): Promise<void> {
    this.released.push(owner);
  }
  async removeSettledBefore(): Promise<number> {
    return 0;
  }
  async backlog() {
    return { waiting: 0, dead: 0 };
  }
}

function claimed(id: string, attempts = 0): ClaimedDelivery {
  const attempt: DeliveryAttempt = { at: now, statusCode: 500, durationMs: 1, responseExcerpt: null, error: 'x' };
  return {
    delivery: {
      id,
      webhookId: 'w1',
      eventId: `event-${id}`,
      eventType: 'run.failed',
      jobId: 'j1',
      status: attempts === 0 ? 'pending' : 'failed',
      attempts: Array.from({ length: attempts }, () => attempt),
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    },
    url: 'https://hooks.example.com/in',
    secrets: { current: 'whsec_a', previous: null },
    event: { id: `event-${id}`, sequence: '7', type: 'run.failed', subject: 'j1', time: now, data: { id } },
  };
}

function deliveryWith(queue: ScriptedQueue, answers: Record<string, SendResult | Promise<SendResult>>) {
  const sent: WebhookMessage[] = [];
  const outcomes: AttemptOutcome[] = [];
  const errors: unknown[] = [];
  let settled = 0;
  const sender = { send: async (message: WebhookMessage) => (sent.push(message), answers[message.id]!) };
  const settings = { owner: 'me', retryDelaysMs: delays, leaseMs: 30_000, concurrency: 2, dispatchBatch: 100, retentionDays: 14 };
  const observer = { attempted: (o: AttemptOutcome) => outcomes.push(o), settled: () => settled++, failed: (e: unknown) => errors.push(e) };
  const delivery = new WebhookDelivery(queue, sender, new FixedClock(now), settings, observer, () => 0.5);
  return { delivery, sent, outcomes, errors, settled: () => settled };
}

describe('a delivery round', () => {
  it('sends each claimed delivery signed with the event id and records what came of it', async () => {
    const queue = new ScriptedQueue([claimed('a'), claimed('b', 3)]);
    const run = deliveryWith(queue, { 'event-a': answer(200), 'event-b': answer(500) });
    expect(await run.delivery.round()).toBe(true);
    await run.delivery.stop(5_000);
    expect(run.sent.map((m) => [m.id, m.url, JSON.parse(m.body).id])).toEqual([
      ['event-a', 'https://hooks.example.com/in', 'event-a'],
      ['event-b', 'https://hooks.example.com/in', 'event-b'],
    ]);
    expect(queue.recorded.map(({ id, status, nextAttemptAt }) => [id, status, nextAttemptAt])).toEqual([
      ['a', 'succeeded', null],
      ['b', 'dead', null],
    ]);
    expect(run.outcomes).toEqual(['succeeded', 'dead']);
    expect(run.settled()).toBe(2);
    expect(queue.released).toEqual(['me']);
  });

  it('turns the webhook off on a 410 Gone', async () => {
    const queue = new ScriptedQueue([claimed('a')]);
    const run = deliveryWith(queue, { 'event-a': answer(410) });
    await run.delivery.round();
    await run.delivery.stop(5_000);
    expect(queue.recorded[0]).toMatchObject({ status: 'dead', disableWebhook: expect.stringContaining('410 Gone') });
  });

  it('claims no more than there is room for while deliveries are on their way', async () => {
    let answerSlow!: (result: SendResult) => void;
    const slow = new Promise<SendResult>((resolve) => (answerSlow = resolve));
    const queue = new ScriptedQueue([claimed('a'), claimed('b'), claimed('c')]);
    const run = deliveryWith(queue, { 'event-a': slow, 'event-b': slow, 'event-c': answer(200) });
    await run.delivery.round();
    expect(run.delivery.busy).toBe(2);
    expect(await run.delivery.round()).toBe(false);
    expect(queue.claims).toEqual([{ owner: 'me', limit: 2 }]);
    answerSlow(answer(200));
    await run.delivery.stop(5_000);
    await run.delivery.round();
    expect(queue.claims).toEqual([{ owner: 'me', limit: 2 }, { owner: 'me', limit: 2 }]);
  });

  it('reports an attempt it could not record instead of losing the error', async () => {
    const queue = new ScriptedQueue([claimed('a')]);
    queue.recordAttempt = async () => {
      throw new Error('database down');
    };
    const run = deliveryWith(queue, { 'event-a': answer(200) });
    await run.delivery.round();
    await run.delivery.stop(5_000);
    expect(run.errors.map((e) => (e as Error).message)).toEqual(['database down']);
    expect(run.outcomes).toEqual([]);
  });
});

describe('the body of a delivery', () => {
  it('is the event in CloudEvents structured JSON', () => {
    const body = JSON.parse(deliveryBody(claimed('a').event));
    expect(body).toEqual({
      specversion: '1.0',
      id: 'event-a',
      type: 'run.failed',
      source: '/flink-job-scheduler',
      subject: 'j1',
      time: now.toISOString(),
      datacontenttype: 'application/json',
      sequence: '7',
      data: { id: 'a' },
    });
  });
});
