import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';
import { signedWith, WebhookReceiver } from '../support/webhook-receiver.js';

describe('a webhook delivery cut short by SIGKILL', () => {
  let receiver: WebhookReceiver;
  let dataDir: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-webhook-crash-'));
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    await receiver?.down();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const service = await startServiceProcess({
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
      WEBHOOK_ALLOWED_HOSTS: receiver.origin,
      WEBHOOK_TIMEOUT_SECONDS: '2',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    services.push(service);
    return service;
  };

  it('is delivered by the next process: nothing committed is lost', async () => {
    const first = await start();
    const call = (method: string, path: string, body?: unknown) => callService(first.baseUrl, method, path, body);
    const hook = await call('POST', '/api/v1/webhooks', { url: receiver.url, eventTypes: ['job.*'] });
    expect(hook.status).toBe(201);
    // The receiver takes the request and never answers: the process dies in the middle of the delivery.
    receiver.answer = () => 'hang';
    const job = await call('POST', '/api/v1/jobs', { name: 'crash-a', jarURL: '/jars/a.jar', entryClass: 'com.example.Main' });
    expect(job.status).toBe(201);
    await waitFor(async () => receiver.arrivals, (count) => count === 1, 10_000, 'the delivery under way');
    // A second event, committed while the first is on its way: it waits behind it (same job).
    expect((await call('DELETE', `/api/v1/jobs/${job.body.id}`)).status).toBe(204);
    expect(await first.stop('SIGKILL')).toBeNull();

    receiver.answer = () => ({ status: 200 });
    const second = await start();
    // The dead process's claim runs out (timeout + 10 s), then the new one takes the delivery over.
    await waitFor(async () => receiver.accepted().length, (count) => count === 2, 30_000, 'both events delivered');
    const events = (await callService(second.baseUrl, 'GET', `/api/v1/events?jobId=${job.body.id}`)).body.events;
    expect(receiver.accepted().map((delivery) => [delivery.id, delivery.event.type])).toEqual(
      events.map((event: { id: string; type: string }) => [event.id, event.type]),
    );
    for (const delivery of receiver.accepted()) expect(signedWith(delivery, hook.body.secret)).toBe(true);
  }, 60_000);
});
