import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleDeliveryQueue } from '../../adapters/output/repository/webhook-delivery-queue.js';
import type { DeliveryStatus } from '../../domain/entities/webhook.js';
import { databaseOf } from '../../infrastructure/container.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { WebhookFixtures } from '../support/webhooks.js';

const backends = await testAppBackends();
const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';
const DAY_MS = 24 * 60 * 60 * 1000;
const validWebhook = { url: 'https://hooks.example.com/flink', eventTypes: ['run.*'] };

describe.each(backends)('/api/v1/webhooks on $name', (backend) => {
  let api: TestApp;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) return context.skip(backend.skipReason);
    // Each test starts without webhooks; their deliveries go with them.
    const page = await (await api.request('/api/v1/webhooks?limit=200')).json();
    for (const webhook of page.webhooks) await api.request(`/api/v1/webhooks/${webhook.id}`, { method: 'DELETE' });
  });

  const create = async (body: Record<string, unknown> = validWebhook) => {
    const response = await api.request('/api/v1/webhooks', { method: 'POST', json: body });
    expect(response.status).toBe(201);
    return response.json();
  };
  const post = (path: string) => api.request(path, { method: 'POST' });

  const deliveryQueue = () => new DrizzleDeliveryQueue(databaseOf(api.container).db);

  /** Settles a delivery as the delivery worker would, through the delivery queue, with one attempt. */
  async function settle(deliveryId: string, status: DeliveryStatus, statusCode: number) {
    const queue = deliveryQueue();
    const now = new Date(Date.now() + 1000);
    const claimed = await queue.claim('webhooks-api-test', 100, now, new Date(now.getTime() + 60_000));
    expect(claimed.map((claim) => claim.delivery.id)).toContain(deliveryId);
    const attempt = { at: now, statusCode, durationMs: 12, responseExcerpt: 'no thanks', error: `the receiver answered ${statusCode}` };
    const nextAttemptAt = status === 'failed' ? new Date(now.getTime() + 60_000) : null;
    expect(await queue.recordAttempt('webhooks-api-test', deliveryId, attempt, { status, nextAttemptAt })).toBe(true);
    await queue.release('webhooks-api-test');
  }

  it('creates a webhook, showing its secret once: GET and the list never show it', async () => {
    const response = await api.request('/api/v1/webhooks', {
      method: 'POST',
      json: { ...validWebhook, description: 'chat', jobLabels: { team: 'data' } },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/webhooks/${created.id}`);
    const { secret, ...webhook } = created;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(webhook).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...validWebhook,
      description: 'chat',
      jobLabels: { team: 'data' },
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: created.createdAt,
    });
    const read = await api.request(`/api/v1/webhooks/${created.id}`);
    expect(await read.json()).toEqual(webhook);
    const listed = await (await api.request('/api/v1/webhooks')).text();
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain('"secret"');
    const audit = await (await api.request(`/api/v1/audit?resourceId=${created.id}`)).json();
    expect(audit.events).toMatchObject([{ action: 'webhook.create', resourceType: 'webhook', outcome: 201 }]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('pages through webhooks, oldest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ ...validWebhook, description: `hook ${i}` })).id);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token ? `&continuationToken=${encodeURIComponent(token)}` : '';
      const page: any = await (await api.request(`/api/v1/webhooks?limit=2${query}`)).json();
      expect(page.webhooks.length).toBeLessThanOrEqual(2);
      seen.push(...page.webhooks.map((webhook: { id: string }) => webhook.id));
      token = page.nextContinuationToken;
    } while (token);
    expect(seen).toEqual(ids);
  });

  it('replaces a definition with PUT, keeping id, secret and creation time', async () => {
    const created = await create();
    const response = await api.request(`/api/v1/webhooks/${created.id}`, {
      method: 'PUT',
      json: { url: 'https://hooks.example.com/other', eventTypes: ['job.*', 'schedule.paused'], enabled: false },
    });
    expect(response.status).toBe(200);
    const replaced = await response.json();
    expect(replaced).toMatchObject({ id: created.id, url: 'https://hooks.example.com/other', eventTypes: ['job.*', 'schedule.paused'] });
    expect(replaced).toMatchObject({ enabled: false, description: null, jobLabels: null, createdAt: created.createdAt });
    expect(replaced).not.toHaveProperty('secret');
    expect(await (await api.request(`/api/v1/webhooks/${created.id}`)).json()).toEqual(replaced);
  });

  it('deletes a webhook: then it is not found', async () => {
    const created = await create();
    expect((await api.request(`/api/v1/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await api.request(`/api/v1/webhooks/${created.id}`), 404, 'WEBHOOK_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/webhooks/${created.id}`, { method: 'DELETE' }), 404, 'WEBHOOK_NOT_FOUND');
  });

  it('rotates the secret: a new one, shown once, the old one signing for 24 hours more', async () => {
    const created = await create();
    const before = Date.now();
    const response = await post(`/api/v1/webhooks/${created.id}/rotate-secret`);
    expect(response.status).toBe(200);
    const rotated = await response.json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const expires = Date.parse(rotated.previousSecretExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(expires).toBeLessThanOrEqual(Date.now() + DAY_MS);
    const read = await (await api.request(`/api/v1/webhooks/${created.id}`)).json();
    expect(read).toEqual({ ...rotated, secret: undefined });
    expect(read).not.toHaveProperty('secret');
  });

  it('sends a test event, listed among the deliveries by status with its attempts', async () => {
    const webhook = await create();
    const response = await post(`/api/v1/webhooks/${webhook.id}/test`);
    expect(response.status).toBe(202);
    const delivery = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/webhooks/${webhook.id}/deliveries/${delivery.id}`);
    expect(delivery).toMatchObject({ webhookId: webhook.id, eventType: 'webhook.test', jobId: null, status: 'pending', attempts: [] });
    const deliveries = (query: string) => api.request(`/api/v1/webhooks/${webhook.id}/deliveries${query}`).then((r) => r.json());
    expect((await deliveries('?status=pending')).deliveries.map((d: { id: string }) => d.id)).toEqual([delivery.id]);

    await settle(delivery.id, 'failed', 503);
    expect((await deliveries('?status=pending')).deliveries).toEqual([]);
    const [failed] = (await deliveries('?status=failed')).deliveries;
    expect(failed).toMatchObject({ id: delivery.id, status: 'failed', nextAttemptAt: expect.any(String) });
    expect(failed.attempts).toEqual([
      { at: expect.any(String), statusCode: 503, durationMs: 12, responseExcerpt: 'no thanks', error: 'the receiver answered 503' },
    ]);
    expect(await (await api.request(`/api/v1/webhooks/${webhook.id}/deliveries/${delivery.id}`)).json()).toEqual(failed);
  });

  it('replays a delivery once it is settled, and refuses while it is in flight', async () => {
    const webhook = await create();
    const delivery = await (await post(`/api/v1/webhooks/${webhook.id}/test`)).json();
    const replay = () => post(`/api/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/replay`);
    await expectProblem(await replay(), 409, 'DELIVERY_IN_FLIGHT');
    await settle(delivery.id, 'dead', 500);
    const response = await replay();
    expect(response.status).toBe(202);
    const replayed = await response.json();
    expect(replayed).toMatchObject({ webhookId: webhook.id, eventId: delivery.eventId, eventType: 'webhook.test', status: 'pending' });
    expect(replayed.id).not.toBe(delivery.id);
    await expectProblem(await replay(), 409, 'DELIVERY_IN_FLIGHT');
    const page = await (await api.request(`/api/v1/webhooks/${webhook.id}/deliveries?limit=1`)).json();
    expect(page.deliveries.map((d: { id: string }) => d.id)).toEqual([replayed.id]);
    const next = await api.request(`/api/v1/webhooks/${webhook.id}/deliveries?limit=1&continuationToken=${page.nextContinuationToken}`);
    expect((await next.json()).deliveries.map((d: { id: string }) => d.id)).toEqual([delivery.id]);
  });

  it('replays the stored events since an instant that the webhook selects, from before it existed', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const job = await (
      await api.request('/api/v1/jobs', {
        method: 'POST',
        json: { name: `hooked-${backend.name}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' },
      })
    ).json();
    // The dispatcher goes past the event while no webhook wants it; only a replay brings it to the new one.
    await new WebhookFixtures(databaseOf(api.container).db).committed();
    while ((await deliveryQueue().dispatch(1000, new Date())) > 0);
    const webhook = await create({ ...validWebhook, eventTypes: ['job.*'] });
    expect((await (await api.request(`/api/v1/webhooks/${webhook.id}/deliveries`)).json()).deliveries).toEqual([]);
    const replaySince = (instant: string) => post(`/api/v1/webhooks/${webhook.id}/replay?since=${encodeURIComponent(instant)}`);
    const response = await replaySince(since);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ queued: 1 });
    const { deliveries } = await (await api.request(`/api/v1/webhooks/${webhook.id}/deliveries`)).json();
    expect(deliveries).toMatchObject([{ eventType: 'job.created', jobId: job.id, status: 'pending' }]);
    // Still in flight: not queued twice.
    expect(await (await replaySince(since)).json()).toEqual({ queued: 0 });
    expect(await (await replaySince(new Date(Date.now() + 60_000).toISOString())).json()).toEqual({ queued: 0 });
    await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
  });

  it('records each change in the audit trail under its action, naming the webhook and never a secret', async () => {
    const webhook = await create();
    const path = `/api/v1/webhooks/${webhook.id}`;
    await api.request(path, { method: 'PUT', json: { ...validWebhook, description: 'v2' } });
    const { secret } = await (await post(`${path}/rotate-secret`)).json();
    const delivery = await (await post(`${path}/test`)).json();
    await post(`${path}/deliveries/${delivery.id}/replay`);
    await post(`${path}/replay?since=2026-01-01T00:00:00Z`);
    await api.request(path, { method: 'DELETE' });
    const audit = await (await api.request(`/api/v1/audit?resourceId=${webhook.id}&limit=200`)).json();
    // Two rows may share a millisecond, so `at` alone cannot order them: compared as a set.
    const rows = audit.events.map((event: any) => `${event.action} ${event.outcome} ${event.resourceType}`).sort();
    expect(rows).toEqual([
      'webhook.create 201 webhook',
      'webhook.delete 204 webhook',
      'webhook.replace 200 webhook',
      'webhook.replay 202 webhook',
      'webhook.replay 409 webhook',
      'webhook.rotate_secret 200 webhook',
      'webhook.test 202 webhook',
    ]);
    expect(JSON.stringify(audit)).not.toContain(webhook.secret);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it.each([
    ['url missing', { url: undefined }, 'url'],
    ['a url that is not http', { url: 'ftp://hooks.example.com/x' }, 'url'],
    ['a relative url', { url: '/hooks' }, 'url'],
    ['a url of 2049 characters', { url: `https://hooks.example.com/${'x'.repeat(2049 - 26)}` }, 'url'],
    ['eventTypes missing', { eventTypes: undefined }, 'eventTypes'],
    ['empty eventTypes', { eventTypes: [] }, 'eventTypes'],
    ['a bad glob', { eventTypes: ['run.*', 'Run..failed'] }, 'eventTypes[1]'],
    ['51 eventTypes', { eventTypes: Array.from({ length: 51 }, () => 'run.*') }, 'eventTypes'],
    ['a bad label key', { jobLabels: { '-team': 'data' } }, 'jobLabels.-team'],
    ['enabled not a boolean', { enabled: 'yes' }, 'enabled'],
    ['an unknown field', { secret: 'mine' }, 'secret'],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_, change, path) => {
    const response = await api.request('/api/v1/webhooks', { method: 'POST', json: { ...validWebhook, ...change } });
    const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('refuses a link-local url with 400 WEBHOOK_URL_NOT_ALLOWED, never echoing the url, on create and replace', async () => {
    const url = 'http://169.254.169.254/latest/meta-data?token=s3cr3t';
    const refused = await expectProblem(
      await api.request('/api/v1/webhooks', { method: 'POST', json: { ...validWebhook, url } }),
      400,
      'WEBHOOK_URL_NOT_ALLOWED',
    );
    expect(refused.detail).toMatch(/^url cannot be used: /);
    expect(refused.detail).not.toContain('s3cr3t');
    const webhook = await create();
    const put = await api.request(`/api/v1/webhooks/${webhook.id}`, { method: 'PUT', json: { ...validWebhook, url } });
    await expectProblem(put, 400, 'WEBHOOK_URL_NOT_ALLOWED');
    expect((await (await api.request('/api/v1/webhooks')).json()).webhooks).toHaveLength(1);
  });

  it('refuses a bad status filter, a bad or missing since, and a body on the actions', async () => {
    const webhook = await create();
    const status = await expectProblem(await api.request(`/api/v1/webhooks/${webhook.id}/deliveries?status=done`), 400, 'VALIDATION_FAILED');
    expect(status.errors).toEqual([{ path: 'status', message: 'must be one of pending, failed, succeeded, dead' }]);
    for (const query of ['?since=yesterday', '?since=2026-13-01T00:00:00Z', '']) {
      const problem = await expectProblem(await post(`/api/v1/webhooks/${webhook.id}/replay${query}`), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((error: { path: string }) => error.path)).toEqual(['since']);
    }
    const withBody = await api.request(`/api/v1/webhooks/${webhook.id}/test`, { method: 'POST', json: { message: 'hi' } });
    await expectProblem(withBody, 400, 'VALIDATION_FAILED');
  });

  it('answers 404 for unknown webhooks and deliveries', async () => {
    const webhook = await create();
    for (const id of [UNKNOWN, 'not-a-uuid']) {
      await expectProblem(await api.request(`/api/v1/webhooks/${id}`), 404, 'WEBHOOK_NOT_FOUND');
      await expectProblem(await api.request(`/api/v1/webhooks/${id}`, { method: 'PUT', json: validWebhook }), 404, 'WEBHOOK_NOT_FOUND');
      await expectProblem(await api.request(`/api/v1/webhooks/${id}/deliveries`), 404, 'WEBHOOK_NOT_FOUND');
      for (const action of ['rotate-secret', 'test', 'replay?since=2026-01-01T00:00:00Z', `deliveries/${UNKNOWN}/replay`]) {
        await expectProblem(await post(`/api/v1/webhooks/${id}/${action}`), 404, 'WEBHOOK_NOT_FOUND');
      }
      await expectProblem(await api.request(`/api/v1/webhooks/${webhook.id}/deliveries/${id}`), 404, 'DELIVERY_NOT_FOUND');
      await expectProblem(await post(`/api/v1/webhooks/${webhook.id}/deliveries/${id}/replay`), 404, 'DELIVERY_NOT_FOUND');
    }
  });
});
