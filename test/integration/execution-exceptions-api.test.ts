import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { systemClock } from '../../adapters/output/system/system-clock.js';
import { flinkJobIdFor, newExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import { expectProblem, startTestApp, type TestApp } from '../support/http-app.js';

/**
 * The route through the service to the Flink adapter, with a JobManager stand-in on loopback that answers the
 * recorded 2.3.0 body (test/e2e checks both versions against real clusters). What it answers depends on the run.
 */
const recorded = readFileSync(new URL('../unit/fixtures/flink/2.3.0/exceptions-task-failure.json', import.meta.url), 'utf8');
const ids = { answered: randomUUID(), forgotten: randomUUID(), broken: randomUUID(), hangsUp: randomUUID() };
const requests: string[] = [];

let flink: Server;
let api: TestApp;
let jobId: string;

beforeAll(async () => {
  flink = createServer((request, response) => {
    requests.push(request.url ?? '');
    const id = /^\/jobs\/(\w+)\/exceptions/.exec(request.url ?? '')?.[1];
    if (id === flinkJobIdFor(ids.answered)) return void response.setHeader('Content-Type', 'application/json').end(recorded);
    if (id === flinkJobIdFor(ids.hangsUp)) return void request.socket.destroy();
    response.statusCode = id === flinkJobIdFor(ids.broken) ? 500 : 404;
    response.setHeader('Content-Type', 'application/json').end(JSON.stringify({ errors: ['Internal server error'] }));
  });
  await new Promise<void>((resolve) => flink.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(flink.address() as AddressInfo).port}`;
  api = await startTestApp(loadConfig({ FLINK_JOBMANAGER_URL: url, FLINK_WEB_URL: 'http://flink-ui.example:8081' }));
  const created = await api.request('/api/v1/jobs', { method: 'POST', json: { name: 'failing', jarURL: '/jars/job.jar', entryClass: 'com.example.Main' } });
  jobId = (await created.json()).id;
});
afterAll(async () => {
  await api.close();
  flink.close();
});

/** A run stored as the launcher leaves one it submitted (FAILED afterwards), or one still PENDING. */
async function storeRun(id: string, submitted = true): Promise<Execution> {
  const now = new Date();
  let run = newExecution({ id, jobId, trigger: 'manual', jobVersion: 1, now });
  if (submitted) for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'FAILED'] as const) run = transition(run, status, now);
  const leases = { owner: 'test', ttlMs: 60_000, clock: systemClock };
  await new DrizzleExecutionRepository(databaseOf(api.container).db, leases).insert(run, { exclusive: false });
  return run;
}

describe('GET /api/v1/executions/:id/exceptions', () => {
  it("answers Flink's history in the service's words, and the run links its Flink page", async () => {
    const run = await storeRun(ids.answered);
    const response = await api.request(`/api/v1/executions/${run.id}/exceptions`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ executionId: run.id, flinkJobId: run.flinkJobId, truncated: false, note: null });
    expect(body.exceptions).toHaveLength(1);
    expect(body.exceptions[0]).toMatchObject({
      exceptionName: 'org.apache.flink.runtime.JobException',
      message: 'java.lang.RuntimeException: TestJob task failure: captured',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      concurrent: [{ taskName: expect.stringContaining('fail'), location: expect.stringMatching(/^localhost:\d+$/) }],
    });
    expect(requests).toContain(`/jobs/${run.flinkJobId}/exceptions?maxExceptions=16`);
    const read = await (await api.request(`/api/v1/executions/${run.id}`)).json();
    expect(read.flinkWebUrl).toBe(`http://flink-ui.example:8081/#/job/completed/${run.flinkJobId}/overview`);
  });

  it('answers an empty list with a note for a run not submitted, and for a job Flink no longer knows', async () => {
    const pending = await storeRun(randomUUID(), false);
    const before = requests.length;
    const empty = await (await api.request(`/api/v1/executions/${pending.id}/exceptions`)).json();
    expect(empty).toEqual({ executionId: pending.id, flinkJobId: null, exceptions: [], truncated: false, note: expect.stringContaining('not been submitted') });
    expect(requests).toHaveLength(before);
    const forgotten = await storeRun(ids.forgotten);
    const gone = await (await api.request(`/api/v1/executions/${forgotten.id}/exceptions`)).json();
    expect(gone).toMatchObject({ flinkJobId: forgotten.flinkJobId, exceptions: [], note: expect.stringContaining('does not know the job') });
  });

  it('answers stable problems when the run is unknown, Flink refuses, or Flink cannot be reached', async () => {
    await expectProblem(await api.request(`/api/v1/executions/${randomUUID()}/exceptions`), 404, 'EXECUTION_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/executions/nope/exceptions'), 404, 'EXECUTION_NOT_FOUND');
    const broken = await storeRun(ids.broken);
    const refused = await expectProblem(await api.request(`/api/v1/executions/${broken.id}/exceptions`), 502, 'FLINK_REQUEST_FAILED');
    expect(refused.detail).toContain('Internal server error');
    const hangsUp = await storeRun(ids.hangsUp);
    await expectProblem(await api.request(`/api/v1/executions/${hangsUp.id}/exceptions`), 503, 'FLINK_UNREACHABLE');
  });
});
