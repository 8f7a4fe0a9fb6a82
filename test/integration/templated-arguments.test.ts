import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { startFlinkStandIn, type FlinkStandIn } from '../support/flink-stand-in.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

/**
 * A loopback stand-in for the data processor and Flink's REST API, as far as a launch goes: it serves the JAR,
 * takes the upload, and records each run request (the program arguments Flink would get).
 */
let flink: FlinkStandIn;
let flinkUrl: string;
const runRequests: { entryClass?: string; programArgsList: string[]; flinkConfiguration?: Record<string, string> }[] = [];
/** Entry classes whose run requests the stand-in refuses, as Flink does a program that fails in main(). */
const refusedEntryClasses = new Set<string>();

beforeAll(async () => {
  flink = await startFlinkStandIn({
    flinkVersion: '1.20.5',
    jarId: 'abc_job.jar',
    handle: ({ method, url, body, json }) => {
      if (method === 'POST' && /^\/jars\/[^/]+\/run$/.test(url)) {
        const parsed = JSON.parse(body);
        runRequests.push(parsed);
        if (refusedEntryClasses.delete(parsed.entryClass)) json(500, { errors: ['org.apache.flink.client.program.ProgramInvocationException'] });
        else json(200, { jobid: parsed.jobId });
      } else if (method === 'GET' && url.startsWith('/jobs/')) {
        json(200, { state: 'RUNNING' });
      } else {
        return false;
      }
      return true;
    },
  });
  flinkUrl = flink.url;
});
afterAll(() => flink.close());

const backends = await testAppBackends();

describe.each(backends)('templated program arguments on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (backend.skipReason) return;
    const port = new URL(flinkUrl).port;
    api = await backend.start(loadConfig({ JAR_ALLOWED_HOSTS: `127.0.0.1:${port}`, FLINK_JOBMANAGER_URL: flinkUrl }));
  });
  afterAll(async () => {
    await api?.close();
  });

  const definition = (extra: Record<string, unknown>) => ({
    name: `templated-${backend.name}-${++counter}`,
    jarURL: `${flinkUrl}/jars/job.jar`,
    entryClass: 'com.example.Main',
    ...extra,
  });

  /** Starts the job and waits until Flink was asked to run it: the run as then stored, and what Flink got. */
  const startAndSubmit = async (jobId: string, body?: Record<string, unknown>) => {
    const before = runRequests.length;
    const response = await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST', ...(body ? { json: body } : {}) });
    expect(response.status).toBe(202);
    const run = await submitted((await response.json()).id);
    return { run, sent: runRequests.slice(before) };
  };
  /** The run as stored once Flink was asked to run it (or it failed before). */
  const submitted = (executionId: string) =>
    waitFor(
      async () => (await api.request(`/api/v1/executions/${executionId}`)).json(),
      (read) => read.status === 'RUNNING' || read.status === 'FAILED',
      10_000,
      'the run to reach Flink',
    );

  it.skipIf(backend.skipReason)('refuses a job with a placeholder no run could resolve, naming the field and the placeholder', async () => {
    const created = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: definition({ config: { date: '{{ds}}' }, args: ['--a', '1', '{{scheduledFor | date:"YYYY"}}'] }),
    });
    const problem = await expectProblem(created, 400, 'INVALID_TEMPLATE');
    expect(problem.errors).toEqual([
      { path: 'config.date', message: expect.stringContaining("{{ds}}: unknown placeholder 'ds'") },
      { path: 'args[2]', message: expect.stringContaining(`{{scheduledFor | date:"YYYY"}}: 'YYYY'`) },
    ]);

    const job = await (await api.request('/api/v1/jobs', { method: 'POST', json: definition({}) })).json();
    const replaced = await api.request(`/api/v1/jobs/${job.id}`, {
      method: 'PUT',
      json: { ...definition({ flinkConfiguration: { 'pipeline.name': '{{jobname}}' } }), name: job.name },
    });
    const refusal = await expectProblem(replaced, 400, 'INVALID_TEMPLATE');
    expect(refusal.detail).toBe("flinkConfiguration.pipeline.name: {{jobname}}: unknown placeholder 'jobname'; known: scheduledFor, dataIntervalStart, dataIntervalEnd, executionId, attempt, jobName");
  });

  it.skipIf(backend.skipReason)('stores and shows the program arguments a run sent to Flink, resolved', async () => {
    const job = await (
      await api.request('/api/v1/jobs', {
        method: 'POST',
        json: definition({ config: { job: '{{jobName}}', rows: 10 }, args: ['--run', '{{executionId}}/{{attempt}}'] }),
      })
    ).json();
    const { run, sent } = await startAndSubmit(job.id);
    expect(run.status).toBe('RUNNING');
    const expected = ['--job', job.name, '--rows', '10', '--run', `${run.id}/1`];
    expect(run.programArgs).toEqual(expected);
    expect(sent.map((request) => request.programArgsList)).toEqual([expected]);
    const listed = await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json();
    expect(listed.executions[0].programArgs).toEqual(expected);
  });

  it.skipIf(backend.skipReason)('takes the data interval of the scheduledFor a start gives, in the schedule zone; refuses a bad one', async () => {
    const job = await (
      await api.request('/api/v1/jobs', {
        method: 'POST',
        json: definition({
          args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}', '--until', '{{dataIntervalEnd | date:"yyyy-MM-dd\'T\'HH"}}'],
          flinkConfiguration: { 'pipeline.name': 'orders-{{scheduledFor | date:"yyyyMMdd"}}' },
        }),
      })
    ).json();
    const schedule = await api.request(`/api/v1/jobs/${job.id}/schedule`, {
      method: 'POST',
      json: { cron: '0 0 * * *', timezone: 'Europe/Berlin', paused: true },
    });
    expect(schedule.status).toBe(200);

    const bad = await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: { scheduledFor: '30 March' } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.errors).toEqual([{ path: 'scheduledFor', message: expect.stringContaining('RFC 3339') }]);

    // Midnight of 30 March in Berlin: yesterday is the day summer time began.
    const { run, sent } = await startAndSubmit(job.id, { scheduledFor: '2026-03-30T00:00:00+02:00' });
    expect(run).toMatchObject({ scheduledFor: '2026-03-29T22:00:00.000Z', programArgs: ['--date', '2026-03-29', '--until', '2026-03-30T00'] });
    expect(sent[0]?.flinkConfiguration).toMatchObject({ 'pipeline.name': 'orders-20260330' });
  });

  it.skipIf(backend.skipReason)("runs a retry with its own version's entry class and arguments after the job was replaced", async () => {
    const job = await (await api.request('/api/v1/jobs', { method: 'POST', json: definition({ entryClass: 'com.example.V1', args: ['v1'] }) })).json();
    refusedEntryClasses.add('com.example.V1');
    const { run: failed } = await startAndSubmit(job.id);
    expect(failed).toMatchObject({ status: 'FAILED', jobVersion: 1 });
    const replaced = await api.request(`/api/v1/jobs/${job.id}`, {
      method: 'PUT',
      json: { ...definition({ entryClass: 'com.example.V2', args: ['v2'] }), name: job.name },
    });
    expect(replaced.status).toBe(200);

    const before = runRequests.length;
    const retried = await api.request(`/api/v1/executions/${failed.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    const run = await submitted((await retried.json()).id);
    expect(run).toMatchObject({ status: 'RUNNING', jobVersion: 1, programArgs: ['v1'] });
    expect(runRequests.slice(before).map((request) => [request.entryClass, request.programArgsList])).toEqual([['com.example.V1', ['v1']]]);
    const submitting = run.history.find((entry: { status: string }) => entry.status === 'SUBMITTING');
    expect(submitting.detail).toBe('runs job version 1 (the job is at version 2 now)');
  });
});
