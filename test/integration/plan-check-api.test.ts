import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { startFlinkStandIn, type FlinkStandIn } from '../support/flink-stand-in.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';

/**
 * A loopback stand-in for the data processor and Flink's REST API as far as a plan goes: it serves the JAR, takes
 * the upload, and answers each plan request with a body recorded from Flink 2.3.0 (test/e2e checks real clusters):
 * the graph of `--mode bounded`, or main()'s failure, or a missing entry class, or no answer at all.
 */
const recorded = (name: string) => readFileSync(new URL(`../unit/fixtures/flink/2.3.0/${name}`, import.meta.url), 'utf8');
let flink: FlinkStandIn;
let flinkUrl: string;
const planRequests: Record<string, unknown>[] = [];
let uploads = 0;

beforeAll(async () => {
  flink = await startFlinkStandIn({
    flinkVersion: '2.3.0',
    jarId: 'abc_job.jar',
    handle: ({ method, url, body, request, send }) => {
      if (method === 'POST' && url === '/jars/upload') uploads++;
      if (method !== 'POST' || url !== '/jars/abc_job.jar/plan') return false;
      const plan = JSON.parse(body) as { entryClass: string; programArgsList: string[] };
      planRequests.push(plan);
      if (plan.entryClass === 'com.example.HangUp') request.socket.destroy();
      else if (plan.entryClass === 'com.example.Nope') send(500, recorded('plan-unknown-entry-class.json'));
      else if (plan.programArgsList.includes('mainfail')) send(500, recorded('plan-main-failure.json'));
      else send(200, recorded('plan-bounded.json'));
      return true;
    },
  });
  flinkUrl = flink.url;
});
afterAll(() => flink.close());

const backends = await testAppBackends();

describe.each(backends)('POST /api/v1/jobs/:id/plan on $name', (backend) => {
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

  const definition = (extra: Record<string, unknown> = {}) => ({
    name: `planned-${backend.name}-${++counter}`,
    jarURL: `${flinkUrl}/jars/job.jar`,
    entryClass: 'com.example.flinkjob.TestJob',
    config: { mode: 'bounded' },
    parallelism: 2,
    ...extra,
  });
  const createJob = async (extra: Record<string, unknown> = {}) => {
    const created = await api.request('/api/v1/jobs', { method: 'POST', json: definition(extra) });
    expect(created.status).toBe(201);
    return (await created.json()).id as string;
  };
  const plan = (jobId: string, body?: unknown) =>
    api.request(`/api/v1/jobs/${jobId}/plan`, { method: 'POST', ...(body === undefined ? {} : { json: body }) });

  it.skipIf(backend.skipReason)("answers the graph Flink built from the job's JAR and arguments, and runs nothing", async () => {
    const jobId = await createJob();
    const before = { uploads, plans: planRequests.length };

    const response = await plan(jobId);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      plan: {
        flinkJobName: 'TestJob bounded',
        vertices: [{ id: expect.any(String), description: 'Source: sequence\n+- square\n   +- discard: Writer', parallelism: 2 }],
      },
    });
    // What a run would send, without the run's job id or restore.
    expect(planRequests.slice(before.plans)).toEqual([
      { entryClass: 'com.example.flinkjob.TestJob', programArgsList: ['--mode', 'bounded'], parallelism: 2 },
    ]);
    expect((await (await api.request(`/api/v1/jobs/${jobId}/executions`)).json()).executions).toEqual([]);
    // A second check uses the upload Flink has.
    expect((await plan(jobId)).status).toBe(200);
    expect(uploads - before.uploads).toBeLessThanOrEqual(1);
  });

  it.skipIf(backend.skipReason)("refuses with 422 JOB_GRAPH_FAILED and the cause when main() throws or the class is missing", async () => {
    const failing = await createJob({ config: { mode: 'mainfail', message: 'captured' } });
    const thrown = await expectProblem(await plan(failing), 422, 'JOB_GRAPH_FAILED');
    expect(thrown.detail).toBe(
      `The job graph of job '${failing}' cannot be built: java.lang.IllegalArgumentException: TestJob main failure: captured`,
    );

    // A definition not stored yet: checked in place of the job's, which stays as it was.
    const jobId = await createJob();
    const missing = await expectProblem(await plan(jobId, { definition: definition({ entryClass: 'com.example.Nope' }) }), 422, 'JOB_GRAPH_FAILED');
    expect(missing.detail).toContain('java.lang.ClassNotFoundException: com.example.Nope');
    expect(planRequests.at(-1)).toMatchObject({ entryClass: 'com.example.Nope' });
    expect(await (await api.request(`/api/v1/jobs/${jobId}`)).json()).toMatchObject({ version: 1, entryClass: 'com.example.flinkjob.TestJob' });
  });

  it.skipIf(backend.skipReason)('answers the JAR, job, body and Flink problems with their codes', async () => {
    const jobId = await createJob({ jarURL: `${flinkUrl}/jars/gone.jar` });
    const before = planRequests.length;
    const download = await expectProblem(await plan(jobId), 422, 'JAR_DOWNLOAD_FAILED');
    expect(download.detail).toMatch(/gone\.jar/);
    expect(planRequests).toHaveLength(before);

    await expectProblem(await plan('00000000-0000-4000-8000-00000000abcd'), 404, 'JOB_NOT_FOUND');
    await expectProblem(await plan(jobId, { definition: { name: 'x' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(await plan(jobId, { definition: definition({ args: ['{{nope}}'] }) }), 400, 'INVALID_TEMPLATE');
    const unreachable = await expectProblem(await plan(jobId, { definition: definition({ entryClass: 'com.example.HangUp' }) }), 503, 'FLINK_UNREACHABLE');
    expect(unreachable.detail).toContain('/plan');
  });
});
