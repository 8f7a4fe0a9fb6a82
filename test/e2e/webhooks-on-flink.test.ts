import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer, TEST_JOB_CLASS } from '../../scripts/jar-server.js';
import { flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { parseExposition } from '../support/prometheus-text.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';
import { signedWith, WebhookReceiver, type ReceivedDelivery } from '../support/webhook-receiver.js';

const skipReason = await flinkSkipReason();

describe.skipIf(skipReason)('webhooks and metrics for runs on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let receiver: WebhookReceiver;
  let dataDir: string;
  let service: ServiceProcess;
  let secret: string;

  beforeAll(async () => {
    jars = await startJarServer();
    receiver = await WebhookReceiver.start();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-'));
    service = await startServiceProcess({
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      FLINK_POLL_INTERVAL_MS: '300',
      SCHEDULER_POLL_INTERVAL_MS: '500',
      WEBHOOK_ALLOWED_HOSTS: receiver.origin,
    });
    const created = await call('POST', '/api/v1/webhooks', { url: receiver.url, eventTypes: ['run.*'] });
    expect(created.status).toBe(201);
    secret = created.body.secret;
  });

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    await receiver?.down();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  async function createJob(name: string, config: Record<string, string>): Promise<string> {
    const { status, body } = await call('POST', '/api/v1/jobs', {
      name: `${name}-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: TEST_JOB_CLASS,
      config,
    });
    expect(status).toBe(201);
    return body.id;
  }

  /** The deliveries about one run, in the order they arrived. */
  const ofRun = (executionId: string) => receiver.accepted().filter((delivery) => delivery.event.data?.id === executionId);
  const typesOf = (deliveries: ReceivedDelivery[]) => deliveries.map((delivery) => delivery.event.type);

  it('delivers run.started then run.succeeded for a scheduled run, signed', async () => {
    const jobId = await createJob('hooked', { mode: 'bounded' });
    expect((await call('POST', `/api/v1/jobs/${jobId}/schedule`, { cron: '*/3 * * * * *' })).status).toBe(200);
    const succeeded = await waitFor(
      async () => receiver.accepted().find((delivery) => delivery.event.type === 'run.succeeded' && delivery.event.subject === jobId),
      (delivery) => delivery !== undefined,
      90_000,
      'run.succeeded at the receiver',
    );
    expect((await call('DELETE', `/api/v1/jobs/${jobId}/schedule`)).status).toBe(204);
    const run = succeeded!.event.data;
    expect(run).toMatchObject({ jobId, trigger: 'schedule', status: 'SUCCEEDED' });
    const deliveries = ofRun(run.id);
    expect(typesOf(deliveries)).toEqual(['run.queued', 'run.started', 'run.succeeded']);
    expect(deliveries[1]!.event.data.status).toBe('RUNNING');
    for (const delivery of deliveries) expect(signedWith(delivery, secret)).toBe(true);
  });

  it("delivers run.failed with the job's own message, and /metrics counts the runs and the deliveries", async () => {
    const jobId = await createJob('hooked-fail', { mode: 'fail', message: 'checksum mismatch in partition 7' });
    const started = await call('POST', `/api/v1/jobs/${jobId}/start`);
    expect(started.status).toBe(202);
    const failed = await waitFor(
      async () => ofRun(started.body.id).find((delivery) => delivery.event.type === 'run.failed'),
      (delivery) => delivery !== undefined,
      90_000,
      'run.failed at the receiver',
    );
    expect(failed!.event.data.error.message).toContain('TestJob task failure: checksum mismatch in partition 7');
    expect(typesOf(ofRun(started.body.id))).toEqual(['run.queued', 'run.started', 'run.failed']);

    const response = await fetch(`${service.baseUrl}/metrics`);
    const { samples } = parseExposition(await response.text());
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v))?.value;
    expect(value('flink_scheduler_runs_total', { status: 'SUCCEEDED', trigger: 'schedule' })).toBeGreaterThanOrEqual(1);
    expect(value('flink_scheduler_runs_total', { status: 'FAILED', trigger: 'manual' })).toBe(1);
    // Every 2xx the receiver gave is one succeeded attempt; more may be under way since.
    const answered = receiver.received.filter((delivery) => delivery.status === 200).length;
    expect(value('flink_scheduler_webhook_deliveries_total', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(answered);
    expect(value('flink_scheduler_webhook_deliveries_total', { outcome: 'dead' })).toBe(0);
  });
});
