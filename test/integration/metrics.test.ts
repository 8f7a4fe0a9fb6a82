import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSchedules } from '../../adapters/output/repository/schedule-table.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import type { SchedulerLoop } from '../../infrastructure/scheduler-loop.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';
import { startTestApp, testAppBackends, type TestApp } from '../support/http-app.js';
import { parseExposition, valueOf, type Exposition } from '../support/prometheus-text.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();
const postgresSkip = await postgresSkipReason();

/** A JAR host that accepts connections and never answers: runs of its JARs stay DOWNLOADING. */
let stalledJarHost: Server;
let stalledPort: number;
beforeAll(async () => {
  stalledJarHost = createServer(() => {});
  await new Promise<void>((resolve) => stalledJarHost.listen(0, '127.0.0.1', resolve));
  stalledPort = (stalledJarHost.address() as AddressInfo).port;
});
afterAll(() => {
  stalledJarHost.closeAllConnections();
  stalledJarHost.close();
});

// Nothing listens on port 1: a run of a JAR there fails at once with JAR_DOWNLOAD_FAILED.
const FAILING_JAR = 'http://127.0.0.1:1/jars/job.jar';
const config = () =>
  loadConfig({ JAR_ALLOWED_HOSTS: `127.0.0.1:${stalledPort},127.0.0.1:1`, FLINK_JOBMANAGER_URL: 'http://127.0.0.1:1' });

async function scrape(api: TestApp): Promise<Exposition> {
  const response = await api.request('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await response.text());
}

let names = 0;
async function createJob(api: TestApp, jarURL: string): Promise<string> {
  const response = await api.request('/api/v1/jobs', {
    method: 'POST',
    json: { name: `metrics-${++names}`, jarURL, entryClass: 'com.example.Main' },
  });
  expect(response.status).toBe(201);
  return (await response.json()).id;
}

async function startRun(api: TestApp, jobId: string): Promise<string> {
  const response = await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST' });
  expect(response.status).toBe(202);
  return (await response.json()).id;
}

async function failRuns(api: TestApp, count: number): Promise<void> {
  const job = await createJob(api, FAILING_JAR);
  for (let i = 0; i < count; i++) {
    const id = await startRun(api, job);
    await waitFor(async () => (await api.request(`/api/v1/executions/${id}`)).json(), (run) => run.status === 'FAILED');
  }
}

describe.each(backends)('GET /metrics on $name', (backend) => {
  let api: TestApp;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start(config());
  });
  afterAll(async () => {
    await api?.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop).stop();
    await api?.close();
  });

  it.skipIf(backend.skipReason)('is Prometheus text with a # TYPE line for every metric the README lists', async () => {
    const exposition = await scrape(api);
    expect(Object.fromEntries(exposition.types)).toMatchObject({
      http_server_request_duration_seconds: 'histogram',
      flink_scheduler_runs_total: 'counter',
      flink_scheduler_runs_active: 'gauge',
      flink_scheduler_schedule_fire_lateness_seconds: 'histogram',
      flink_scheduler_ticks_skipped_total: 'counter',
      flink_scheduler_ticks_missed_total: 'counter',
      flink_scheduler_flink_request_duration_seconds: 'histogram',
      flink_scheduler_outbox_lag_seconds: 'gauge',
      process_cpu_user_seconds_total: 'counter',
      nodejs_eventloop_lag_seconds: 'gauge',
    });
    expect(valueOf(exposition, 'flink_scheduler_runs_total', { status: 'FAILED' })).toBeUndefined();
    expect(valueOf(exposition, 'flink_scheduler_runs_active')).toBe(0);
    expect(valueOf(exposition, 'flink_scheduler_outbox_lag_seconds')).toBe(0);
  });

  it.skipIf(backend.skipReason)('counts ended and active runs, skipped and missed ticks from the database', async () => {
    await failRuns(api, 2);
    const stalled = await createJob(api, `http://127.0.0.1:${stalledPort}/jars/job.jar`);
    await startRun(api, stalled);
    let exposition = await scrape(api);
    expect(valueOf(exposition, 'flink_scheduler_runs_total', { status: 'FAILED', trigger: 'manual' })).toBe(2);
    expect(valueOf(exposition, 'flink_scheduler_runs_active')).toBe(1);

    // Every second, skipping while a run is active: the stalled run makes each tick a skipped one.
    const schedule = await api.request(`/api/v1/jobs/${stalled}/schedule`, { method: 'POST', json: { cron: '* * * * * *', overlapPolicy: 'skip' } });
    expect(schedule.status).toBe(200);
    const scheduler = api.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
    scheduler.start();
    exposition = await waitFor(() => scrape(api), (e) => (valueOf(e, 'flink_scheduler_ticks_skipped_total', { reason: 'OVERLAP' }) ?? 0) >= 2);
    await scheduler.stop();
    exposition = await scrape(api);
    const skipped = valueOf(exposition, 'flink_scheduler_ticks_skipped_total', { reason: 'OVERLAP' })!;
    expect(valueOf(exposition, 'flink_scheduler_runs_total', { status: 'SKIPPED', trigger: 'schedule' })).toBe(skipped);
    // This process stored each of those ticks' executions, a little after its tick.
    const fired = valueOf(exposition, 'flink_scheduler_schedule_fire_lateness_seconds_count')!;
    expect(fired).toBe(skipped);
    const lateness = valueOf(exposition, 'flink_scheduler_schedule_fire_lateness_seconds_sum')! / fired;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(2);

    await databaseOf(api.container).db.update(jobSchedules).set({ ticksMissed: 3 });
    expect(valueOf(await scrape(api), 'flink_scheduler_ticks_missed_total')).toBe(3);
  });

  it.skipIf(backend.skipReason)('labels request durations with the route template, and unmatched paths with one value', async () => {
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    for (const id of ids) expect((await api.request(`/api/v1/jobs/${id}`)).status).toBe(404);
    for (const path of ['/no/such/path', '/api/v1/nothing-here']) expect((await api.request(path)).status).toBe(404);
    const exposition = await scrape(api);
    const count = (route: string) =>
      valueOf(exposition, 'http_server_request_duration_seconds_count', { method: 'GET', route, status: '404' });
    expect(count('/api/v1/jobs/:id')).toBe(2);
    expect(count('unmatched')).toBe(2);
    const routes = new Set(exposition.samples.filter((s) => s.name.startsWith('http_server_')).map((s) => s.labels.route));
    expect([...routes].filter((route) => route?.includes('0000') || route?.includes('no/such'))).toEqual([]);
    expect(routes).toContain('/api/v1/jobs');
  });

  it.skipIf(backend.skipReason)('times calls to Flink by operation and outcome', async () => {
    expect((await api.request('/health')).status).toBe(200);
    const exposition = await scrape(api);
    const calls = valueOf(exposition, 'flink_scheduler_flink_request_duration_seconds_count', { operation: 'overview', outcome: 'FLINK_UNREACHABLE' });
    expect(calls).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(postgresSkip)('GET /metrics on two instances of one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    first = await startTestApp(config(), { kind: 'postgres', url: scratch.url });
    second = await startTestApp(config(), { kind: 'postgres', url: scratch.url });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await scratch?.drop();
  });

  it('report the same run counts, whichever instance ran them', async () => {
    await failRuns(first, 2);
    await failRuns(second, 1);
    const [one, two] = [await scrape(first), await scrape(second)];
    const failed = { status: 'FAILED', trigger: 'manual' };
    expect(valueOf(one, 'flink_scheduler_runs_total', failed)).toBe(3);
    expect(valueOf(two, 'flink_scheduler_runs_total', failed)).toBe(3);
    // Request durations are each process's own.
    const creations = (e: Exposition) => valueOf(e, 'http_server_request_duration_seconds_count', { method: 'POST', route: '/api/v1/jobs/:id/start', status: '202' });
    expect([creations(one), creations(two)]).toEqual([2, 1]);
  });

  it('report as outbox lag how long a committed event has waited behind an older open transaction', async () => {
    const other = postgres(scratch.url, { max: 1, onnotice: () => {} });
    try {
      const reserved = await other.reserve();
      await reserved`begin`;
      await reserved`select pg_current_xact_id()`;
      await createJob(first, FAILING_JAR);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(valueOf(await scrape(first), 'flink_scheduler_outbox_lag_seconds')).toBeGreaterThanOrEqual(1);
      await reserved`commit`;
      reserved.release();
      expect(valueOf(await scrape(first), 'flink_scheduler_outbox_lag_seconds')).toBe(0);
    } finally {
      await other.end({ timeout: 5 });
    }
  });
});
