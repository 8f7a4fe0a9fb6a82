import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../domain/entities/event.js';
import type { WebhookDefinition } from '../../domain/entities/webhook.js';
import {
  DeliveryInFlightError,
  DeliveryNotFoundError,
  WebhookNotFoundError,
  WebhookUrlRefusedError,
} from '../../domain/errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { REPLAY_SINCE_LIMIT, WebhookAdministrationService } from '../../domain/services/webhooks/webhook-administration.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork, type InMemoryAuditTrail } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { InMemoryDeliveryLog, InMemoryWebhookRepository } from './fakes/in-memory-webhook-repository.js';

const audit = anAuditContext({ action: 'webhook.change', resourceType: 'webhook' });
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';
const DAY_MS = 24 * 60 * 60 * 1000;

const aDefinition = (overrides: Partial<WebhookDefinition> = {}): WebhookDefinition => ({
  url: 'https://hooks.example.com/flink',
  description: null,
  eventTypes: ['run.*'],
  jobLabels: null,
  enabled: true,
  ...overrides,
});

const storedEvent = (sequence: number, type: StoredEvent['type'], time: string): StoredEvent => ({
  id: `00000000-0000-4000-a000-${String(sequence).padStart(12, '0')}`,
  sequence: String(sequence),
  type,
  subject: '00000000-0000-4000-8000-0000000000aa',
  time: new Date(time),
  data: {},
});

describe('WebhookAdministrationService', () => {
  let clock: FixedClock;
  let webhooks: InMemoryWebhookRepository;
  let deliveries: InMemoryDeliveryLog;
  let events: StoredEvent[];
  let trail: InMemoryAuditTrail;
  let wake: ReturnType<typeof vi.fn<() => void>>;
  let service: WebhookAdministrationService;
  let secrets: number;

  beforeEach(() => {
    clock = new FixedClock();
    const ids = new SequentialIds();
    webhooks = new InMemoryWebhookRepository();
    events = [];
    deliveries = new InMemoryDeliveryLog(webhooks, events);
    const executions = new InMemoryExecutionRepository();
    const repositories = { jobs: new InMemoryJobRepository(), executions, schedules: new InMemoryScheduleRepository(executions) };
    const work = inMemoryUnitOfWork({ ...repositories, webhooks, deliveries });
    trail = work.trail;
    secrets = 0;
    const sender = {
      refusalFor: (url: string) => (url.includes('169.254.') ? 'it is a link-local address' : undefined),
      newSecret: () => `whsec_secret${++secrets}`,
    };
    wake = vi.fn<() => void>();
    service = new WebhookAdministrationService(webhooks, deliveries, new AuditedChanges(work.unitOfWork, clock, ids), sender, clock, ids, wake);
  });

  it('creates a webhook with a new secret, shown once, and one audit row naming it', async () => {
    const { webhook, secret } = await service.create(aDefinition({ description: 'chat' }), audit);
    expect(webhook).toEqual({
      ...aDefinition({ description: 'chat' }),
      id: '00000000-0000-4000-8000-000000000001',
      createdAt: clock.now(),
      updatedAt: clock.now(),
      disabledReason: null,
      previousSecretExpiresAt: null,
    });
    expect(secret).toBe('whsec_secret1');
    expect(webhooks.secrets.get(webhook.id)).toEqual({ current: 'whsec_secret1', previous: null });
    expect(await service.get(webhook.id)).toEqual(webhook);
    expect(trail.events).toMatchObject([{ action: 'webhook.change', resourceType: 'webhook', resourceId: webhook.id, versionBefore: null, versionAfter: null }]);
  });

  it('refuses a URL the outbound policy refuses, naming the reason and never the URL, storing nothing', async () => {
    const url = 'http://169.254.169.254/token-in-path';
    const refused = service.create(aDefinition({ url }), audit);
    await expect(refused).rejects.toBeInstanceOf(WebhookUrlRefusedError);
    await expect(refused).rejects.toThrow('url cannot be used: it is a link-local address');
    await expect(refused).rejects.not.toThrow(url);
    const { webhook } = await service.create(aDefinition(), audit);
    await expect(service.replace(webhook.id, aDefinition({ url }), audit)).rejects.toBeInstanceOf(WebhookUrlRefusedError);
    expect(webhooks.rows.size).toBe(1);
    expect((await service.get(webhook.id)).url).toBe('https://hooks.example.com/flink');
    expect(trail.events).toHaveLength(1);
  });

  it.each(['not-a-uuid', '', UNKNOWN])('treats webhook id %j as not found everywhere, recording nothing', async (id) => {
    await expect(service.get(id)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.replace(id, aDefinition(), audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.remove(id, audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.rotateSecret(id, audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.deliveries({ webhookId: id, limit: 10 })).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.delivery(id, UNKNOWN)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.replay(id, UNKNOWN, audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.replaySince(id, clock.now(), audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.sendTest(id, audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    expect(trail.events).toEqual([]);
    expect(deliveries.rows).toEqual([]);
    expect(wake).not.toHaveBeenCalled();
  });

  it('lists webhooks oldest first, after the one a page ended with', async () => {
    for (let i = 0; i < 3; i++) {
      await service.create(aDefinition({ description: `hook ${i}` }), audit);
      clock.advance(1000);
    }
    const first = await service.list({ limit: 2 });
    expect(first.map((webhook) => webhook.description)).toEqual(['hook 0', 'hook 1']);
    const second = await service.list({ limit: 2, after: { createdAt: first[1]!.createdAt, id: first[1]!.id } });
    expect(second.map((webhook) => webhook.description)).toEqual(['hook 2']);
  });

  it('replaces the definition, keeping the id and creation time', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    clock.advance(5000);
    const replaced = await service.replace(webhook.id, aDefinition({ eventTypes: ['job.*'], enabled: false }), audit);
    expect(replaced).toMatchObject({ id: webhook.id, eventTypes: ['job.*'], enabled: false, createdAt: webhook.createdAt, updatedAt: clock.now() });
    expect(trail.events.map((event) => event.resourceId)).toEqual([webhook.id, webhook.id]);
  });

  it('removes a webhook once: the second time it is not found', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    await service.remove(webhook.id, audit);
    await expect(service.get(webhook.id)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(service.remove(webhook.id, audit)).rejects.toBeInstanceOf(WebhookNotFoundError);
    expect(trail.events).toHaveLength(2);
  });

  it('rotates the secret, the previous one signing beside it for 24 hours', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    clock.advance(60_000);
    const rotated = await service.rotateSecret(webhook.id, audit);
    expect(rotated.secret).toBe('whsec_secret2');
    expect(rotated.webhook.previousSecretExpiresAt).toEqual(new Date(clock.now().getTime() + DAY_MS));
    expect(webhooks.secrets.get(webhook.id)).toEqual({ current: 'whsec_secret2', previous: 'whsec_secret1' });
    expect(trail.events).toHaveLength(2);
  });

  it('queues a test event for the webhook alone and wakes the delivery worker', async () => {
    const { webhook } = await service.create(aDefinition({ eventTypes: ['job.created'] }), audit);
    const delivery = await service.sendTest(webhook.id, audit);
    expect(delivery).toMatchObject({ webhookId: webhook.id, eventType: 'webhook.test', jobId: null, status: 'pending', attempts: [] });
    expect(delivery.eventId).not.toBe(delivery.id);
    expect(await service.delivery(webhook.id, delivery.id)).toEqual(delivery);
    expect(wake).toHaveBeenCalledTimes(1);
    expect(trail.events.at(-1)).toMatchObject({ resourceId: webhook.id });
  });

  it('replays a delivery once its event is no longer in flight, as a new delivery of the same event', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    const first = await service.sendTest(webhook.id, audit);
    await expect(service.replay(webhook.id, first.id, audit)).rejects.toBeInstanceOf(DeliveryInFlightError);
    deliveries.rows[0]!.status = 'dead';
    const replayed = await service.replay(webhook.id, first.id, audit);
    expect(replayed).toMatchObject({ webhookId: webhook.id, eventId: first.eventId, status: 'pending' });
    expect(replayed.id).not.toBe(first.id);
    expect(wake).toHaveBeenCalledTimes(2);
    // create, test, replay: the refused replay wrote nothing.
    expect(trail.events).toHaveLength(3);
  });

  it('refuses to replay a delivery that is unknown, malformed, or another webhook’s', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    const { webhook: other } = await service.create(aDefinition(), audit);
    const theirs = await service.sendTest(other.id, audit);
    for (const id of [UNKNOWN, 'nope', theirs.id]) {
      await expect(service.replay(webhook.id, id, audit)).rejects.toBeInstanceOf(DeliveryNotFoundError);
      await expect(service.delivery(webhook.id, id)).rejects.toBeInstanceOf(DeliveryNotFoundError);
    }
  });

  it('replays the events since an instant that the webhook selects, at most 10,000 per call', async () => {
    events.push(
      storedEvent(1, 'run.started', '2025-12-31T00:00:00Z'),
      storedEvent(2, 'run.failed', '2026-01-01T00:00:00Z'),
      storedEvent(3, 'job.created', '2026-01-01T00:00:01Z'),
      storedEvent(4, 'run.succeeded', '2026-01-01T00:00:02Z'),
    );
    const { webhook } = await service.create(aDefinition({ eventTypes: ['run.*'] }), audit);
    const spy = vi.spyOn(deliveries, 'replaySince');
    expect(await service.replaySince(webhook.id, new Date('2026-01-01T00:00:00Z'), audit)).toBe(2);
    expect(spy).toHaveBeenCalledWith(webhook.id, new Date('2026-01-01T00:00:00Z'), clock.now(), REPLAY_SINCE_LIMIT);
    expect(REPLAY_SINCE_LIMIT).toBe(10_000);
    expect(deliveries.rows.map((row) => row.eventType)).toEqual(['run.failed', 'run.succeeded']);
    expect(wake).toHaveBeenCalledTimes(1);
    // Those are in flight now: a second call queues nothing, wakes nobody, and is still recorded.
    expect(await service.replaySince(webhook.id, new Date('2026-01-01T00:00:00Z'), audit)).toBe(0);
    expect(wake).toHaveBeenCalledTimes(1);
    expect(trail.events).toHaveLength(3);
  });

  it('lists the deliveries of one webhook, newest first, by status', async () => {
    const { webhook } = await service.create(aDefinition(), audit);
    const older = await service.sendTest(webhook.id, audit);
    clock.advance(1000);
    const newer = await service.sendTest(webhook.id, audit);
    deliveries.rows[0]!.status = 'succeeded';
    const all = await service.deliveries({ webhookId: webhook.id, limit: 10 });
    expect(all.map((delivery) => delivery.id)).toEqual([newer.id, older.id]);
    const pending = await service.deliveries({ webhookId: webhook.id, status: 'pending', limit: 10 });
    expect(pending.map((delivery) => delivery.id)).toEqual([newer.id]);
  });
});
