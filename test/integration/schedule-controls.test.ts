import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();

/** A JAR host that accepts connections and never answers: runs stay DOWNLOADING while the test looks. */
let stalledJarHost: Server;
let stalledJar: string;
/** A JAR host that hangs up 1.5 s after each request: runs fail with JAR_DOWNLOAD_FAILED after a 1 s deadline. */
let slowJarHost: Server;
let slowJar: string;
/** Nothing listens on port 1: a run of this JAR fails at once with JAR_DOWNLOAD_FAILED. */
const missingJar = 'http://127.0.0.1:1/jars/job.jar';
/** Once a year: no tick of its own fires while a test runs. */
const yearly = '0 0 0 1 1 *';

beforeAll(async () => {
  stalledJarHost = createServer(() => {});
  await new Promise<void>((resolve) => stalledJarHost.listen(0, '127.0.0.1', resolve));
  stalledJar = `http://127.0.0.1:${(stalledJarHost.address() as AddressInfo).port}/jars/job.jar`;
  slowJarHost = createServer((request) => setTimeout(() => request.socket.destroy(), 1500));
  await new Promise<void>((resolve) => slowJarHost.listen(0, '127.0.0.1', resolve));
  slowJar = `http://127.0.0.1:${(slowJarHost.address() as AddressInfo).port}/jars/job.jar`;
});
afterAll(() => {
  for (const host of [stalledJarHost, slowJarHost]) {
    host.closeAllConnections();
    host.close();
  }
});

describe.each(backends)('schedule controls on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (backend.skipReason) return;
    const hosts = [stalledJar, slowJar, missingJar].map((url) => new URL(url).host).join(',');
    api = await backend.start(loadConfig({ JAR_ALLOWED_HOSTS: hosts, FLINK_JOBMANAGER_URL: 'http://127.0.0.1:1' }));
  });
  afterAll(async () => {
    await api?.close();
  });

  async function scheduledJob(jarURL: string, schedule: Record<string, unknown>): Promise<string> {
    const created = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { name: `controls-${backend.name}-${++counter}`, jarURL, entryClass: 'com.example.Main' },
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const set = await api.request(`/api/v1/jobs/${id}/schedule`, { method: 'POST', json: { cron: yearly, ...schedule } });
    expect(set.status).toBe(200);
    return id;
  }
  const trigger = (jobId: string, init: { json?: unknown } = {}) =>
    api.request(`/api/v1/jobs/${jobId}/schedule/trigger`, { method: 'POST', ...init });
  const scheduleOf = async (jobId: string) => (await api.request(`/api/v1/jobs/${jobId}/schedule`)).json();
  const ended = (executionId: string) =>
    waitFor(async () => (await api.request(`/api/v1/executions/${executionId}`)).json(), (run) => run.endedAt !== null);

  it.skipIf(backend.skipReason)('triggers a paused schedule now: 202 with the run and its Location, audited', async () => {
    const jobId = await scheduledJob(stalledJar, { paused: true });
    const before = Date.now();
    const response = await trigger(jobId);
    expect(response.status).toBe(202);
    const run = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/executions/${run.id}`);
    expect(run).toMatchObject({ jobId, status: 'PENDING', trigger: 'schedule', attempt: 1, deadlineMissed: false });
    expect(Date.parse(run.scheduledFor)).toBeGreaterThanOrEqual(before);
    expect(await scheduleOf(jobId)).toMatchObject({ paused: true, lastRunAt: run.scheduledFor, counters: { runsStarted: 1 } });
    const again = await (await trigger(jobId)).json();
    expect(again, 'the overlap policy (skip) applies').toMatchObject({ status: 'SKIPPED', error: { code: 'OVERLAP' } });
    const audit = await (await api.request(`/api/v1/audit?resourceId=${jobId}&action=schedule.trigger`)).json();
    expect(audit.events.map((event: { outcome: number }) => event.outcome)).toEqual([202, 202]);
    await api.request(`/api/v1/jobs/${jobId}/stop`, { method: 'POST', json: { mode: 'cancel' } });
  });

  it.skipIf(backend.skipReason)('refuses a trigger of no job, of a job without a schedule, and with a body', async () => {
    await expectProblem(await trigger('00000000-0000-4000-8000-00000000abcd'), 404, 'JOB_NOT_FOUND');
    const jobId = await scheduledJob(stalledJar, {});
    expect((await api.request(`/api/v1/jobs/${jobId}/schedule`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await trigger(jobId), 404, 'SCHEDULE_NOT_FOUND');
    await expectProblem(await trigger(jobId, { json: { now: true } }), 400, 'VALIDATION_FAILED');
  });

  it.skipIf(backend.skipReason)('ends the schedule once its remainingRuns are used up, with a schedule.ended event', async () => {
    const jobId = await scheduledJob(missingJar, { remainingRuns: 1, paused: true });
    expect(await scheduleOf(jobId)).toMatchObject({ remainingRuns: 1, ended: false, endedReason: null });
    await ended((await (await trigger(jobId)).json()).id);
    expect(await scheduleOf(jobId)).toMatchObject({ remainingRuns: 0, ended: true, endedReason: 'remaining_runs', nextRunTimes: [] });
    // Held back while an older transaction on the server is open (other test files run beside this one).
    const events = await waitFor(
      async () => (await api.request(`/api/v1/events?jobId=${jobId}&type=schedule.ended`)).json(),
      (page) => page.events.length > 0,
    );
    expect(events.events.map((event: { data: { remainingRuns: number } }) => event.data.remainingRuns)).toEqual([0]);
  });

  it.skipIf(backend.skipReason)('lists no more next run times than the schedule has runs left, on the schedule and on its job', async () => {
    const jobId = await scheduledJob(missingJar, { remainingRuns: 2 });
    const nextRunTimes = async () => {
      const job = await (await api.request(`/api/v1/jobs/${jobId}`)).json();
      return { schedule: (await scheduleOf(jobId)).nextRunTimes.length, job: job.schedule.nextRunTimes.length };
    };
    expect(await nextRunTimes()).toEqual({ schedule: 2, job: 2 });
    await ended((await (await trigger(jobId)).json()).id);
    expect(await nextRunTimes(), 'a trigger takes one of the runs left').toEqual({ schedule: 1, job: 1 });
    const replaced = await api.request(`/api/v1/jobs/${jobId}/schedule`, { method: 'POST', json: { cron: yearly, remainingRuns: 9 } });
    expect((await replaced.json()).nextRunTimes).toHaveLength(5);
    expect(await nextRunTimes()).toEqual({ schedule: 5, job: 5 });
  });

  it.skipIf(backend.skipReason)('pauses the schedule after pauseAfterFailures failed runs in a row, naming them', async () => {
    const jobId = await scheduledJob(missingJar, { pauseAfterFailures: 2 });
    const failed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await ended((await (await trigger(jobId)).json()).id);
      expect(run.status).toBe('FAILED');
      failed.push(run.id);
    }
    const schedule = await scheduleOf(jobId);
    expect(schedule).toMatchObject({ paused: true, counters: { consecutiveFailures: 2 } });
    expect(schedule.pauseNote).toBe(`paused after 2 failed runs in a row: ${failed.join(', ')}`);
    // Held back while an older transaction on the server is open (other test files run beside this one).
    const events = await waitFor(
      async () => (await api.request(`/api/v1/events?jobId=${jobId}&type=schedule.paused`)).json(),
      (page) => page.events.length > 0,
    );
    expect(events.events).toHaveLength(1);
  });

  it.skipIf(backend.skipReason)('marks a run that ends past its deadline, and counts it on the schedule', async () => {
    const jobId = await scheduledJob(slowJar, { deadlineSeconds: 1, paused: true });
    const run = await (await trigger(jobId)).json();
    expect(Date.parse(run.deadlineAt) - Date.parse(run.scheduledFor)).toBe(1000);
    expect(await ended(run.id)).toMatchObject({ status: 'FAILED', error: { code: 'JAR_DOWNLOAD_FAILED' }, deadlineMissed: true });
    expect((await scheduleOf(jobId)).counters.deadlinesMissed).toBe(1);
  });

  it.skipIf(backend.skipReason)('refuses bad control values with 400 naming the field', async () => {
    const jobId = await scheduledJob(stalledJar, {});
    for (const [field, value] of [['remainingRuns', 0], ['pauseAfterFailures', 101], ['deadlineSeconds', 0], ['remainingRuns', 1.5]] as const) {
      const response = await api.request(`/api/v1/jobs/${jobId}/schedule`, { method: 'POST', json: { cron: yearly, [field]: value } });
      const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((error: { path: string }) => error.path), `${field}: ${value}`).toEqual([field]);
    }
  });
});
