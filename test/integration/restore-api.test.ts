import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { startFlinkStandIn, type FlinkStandIn } from '../support/flink-stand-in.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

/**
 * A loopback stand-in for the data processor and Flink's REST API: it serves the JAR, takes the upload, records
 * each run body, cancels, and answers `GET /jobs/:jobid/checkpoints` with what a test set for that job.
 */
let flink: FlinkStandIn;
let flinkUrl: string;
const runBodies: Record<string, unknown>[] = [];
const states = new Map<string, string>();
const checkpoints = new Map<string, unknown>();

beforeAll(async () => {
  flink = await startFlinkStandIn({
    flinkVersion: '2.3.0',
    jarId: 'rst_job.jar',
    handle: ({ method, url, body, json }) => {
      const job = /^\/jobs\/([0-9a-f]{32})(\/checkpoints)?(\?.*)?$/.exec(url);
      if (method === 'POST' && /^\/jars\/[^/]+\/run$/.test(url)) {
        const parsed = JSON.parse(body);
        runBodies.push(parsed);
        states.set(parsed.jobId, 'RUNNING');
        json(200, { jobid: parsed.jobId });
      } else if (job && method === 'PATCH') {
        states.set(job[1]!, 'CANCELED');
        json(202, {});
      } else if (job && method === 'GET' && job[2]) {
        const statistics = checkpoints.get(job[1]!);
        if (statistics) json(200, statistics);
        else json(404, { errors: ['Job not found'] });
      } else if (job && method === 'GET') {
        json(200, { state: states.get(job[1]!) ?? 'RUNNING' });
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

describe.each(backends)('restore strategies through the API on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (backend.skipReason) return;
    const port = new URL(flinkUrl).port;
    api = await backend.start(
      loadConfig({ JAR_ALLOWED_HOSTS: `127.0.0.1:${port}`, FLINK_JOBMANAGER_URL: flinkUrl, FLINK_POLL_INTERVAL_MS: '100' }),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  const definition = (extra: Record<string, unknown> = {}) => ({
    name: `restore-${backend.name}-${++counter}`,
    jarURL: `${flinkUrl}/jars/job.jar`,
    entryClass: 'com.example.Main',
    ...extra,
  });
  const createJob = async (extra: Record<string, unknown> = {}) => {
    const response = await api.request('/api/v1/jobs', { method: 'POST', json: definition(extra) });
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
    return response.json();
  };
  const read = async (id: string) => (await api.request(`/api/v1/executions/${id}`)).json();
  const until = (id: string, statuses: string[]) =>
    waitFor(() => read(id), (run) => statuses.includes(run.status), 10_000, `execution ${id} in ${statuses}`);
  const start = async (jobId: string, body?: unknown) => {
    const response = await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST', ...(body ? { json: body } : {}) });
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(202);
    return until((await response.json()).id, ['RUNNING', 'FAILED']);
  };

  it.skipIf(backend.skipReason)("stores a job's restore strategy and options, gives them back, and clears them on replace", async () => {
    const path = 'file:///savepoints/savepoint-1';
    const created = await createJob({ restore: { savepointPath: path }, allowNonRestoredState: true, claimMode: 'CLAIM' });
    expect(created).toMatchObject({ restore: { savepointPath: path }, allowNonRestoredState: true, claimMode: 'CLAIM' });
    const got = await (await api.request(`/api/v1/jobs/${created.id}`)).json();
    expect(got).toMatchObject({ restore: { savepointPath: path }, allowNonRestoredState: true, claimMode: 'CLAIM' });

    const { name, jarURL, entryClass } = got;
    const replace = (body: Record<string, unknown>) => api.request(`/api/v1/jobs/${created.id}`, { method: 'PUT', json: body });
    const latest = await (await replace({ name, jarURL, entryClass, restore: 'latest-state' })).json();
    expect(latest).toMatchObject({ restore: 'latest-state', allowNonRestoredState: false, claimMode: 'NO_CLAIM' });
    expect((await (await replace({ name, jarURL, entryClass })).json()).restore).toBeNull();
    expect((await (await api.request(`/api/v1/jobs/${created.id}`)).json()).restore).toBeNull();
  });

  it.skipIf(backend.skipReason).each([
    [{ restore: 'newest' }, 'restore'],
    [{ restore: '' }, 'restore'],
    [{ restore: { savepointPath: '' } }, 'restore.savepointPath'],
    [{ restore: { savepointPath: 'file:///x', kind: 'savepoint' } }, 'restore.kind'],
    [{ restore: 'none', claimMode: 'CLAIM' }, 'restore'],
    [{ restore: 'latest-state', claimMode: 'claim' }, 'claimMode'],
    [{ restore: 'latest-state', allowNonRestoredState: 'yes' }, 'allowNonRestoredState'],
  ])('refuses the job definition %j with 400 naming %s, storing nothing', async (body, path) => {
    const job = definition(body);
    const problem = await expectProblem(await api.request('/api/v1/jobs', { method: 'POST', json: job }), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await (await api.request(`/api/v1/jobs?namePrefix=${job.name}`)).json()).jobs).toEqual([]);
  });

  it.skipIf(backend.skipReason).each([
    [{ restore: 'newest' }, 'restore'],
    [{ restore: { savepointPath: '' } }, 'restore.savepointPath'],
    [{ restore: { savepointPath: ' file:///x' } }, 'restore.savepointPath'],
    [{ restore: { path: 'file:///x' } }, 'restore'],
    [{ restore: 'latest-state', savepointPath: 'file:///x' }, 'savepointPath'],
    [{ restore: 'latest-savepoint', fromLastSavepoint: true }, 'fromLastSavepoint'],
    [{ savepointPath: 'file:///x', fromLastSavepoint: true }, 'fromLastSavepoint'],
    [{ restore: 'none', allowNonRestoredState: true }, 'restore'],
    [{ restore: 'latest-state', claimMode: 'claim' }, 'claimMode'],
  ])('refuses the start %j with 400 naming %s, starting nothing', async (body, path) => {
    const job = await createJob();
    const response = await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: body });
    const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json()).executions).toEqual([]);
  });

  it.skipIf(backend.skipReason)('restores from a path given as restore, sending the claim mode, and names what it is', async () => {
    const job = await createJob();
    const path = 'file:///checkpoints/4f1c/chk-3';
    const run = await start(job.id, { restore: { savepointPath: path }, claimMode: 'CLAIM' });
    expect(run).toMatchObject({ status: 'RUNNING', restoredFrom: path, restoredFromKind: 'checkpoint' });
    expect(run.history[0].detail).toBe(`restore 'savepointPath': restoring from checkpoint ${path}`);
    expect(runBodies.find((body) => body.jobId === run.flinkJobId)).toMatchObject({ savepointPath: path, claimMode: 'CLAIM' });
    await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } });
  });

  it.skipIf(backend.skipReason)("latest-state of the job: no state at first (said in the history), then the earlier run's retained checkpoint", async () => {
    const job = await createJob({ restore: 'latest-state' });
    const first = await start(job.id);
    expect(first).toMatchObject({ status: 'RUNNING', restoredFrom: null, restoredFromKind: null });
    expect(first.history[0].detail).toBe("restore 'latest-state': no savepoint or retained checkpoint of an earlier run found, started without state");

    const path = `file:/opt/flink/checkpoints/${first.flinkJobId}/chk-9`;
    const completed = { status: 'COMPLETED', is_savepoint: false, latest_ack_timestamp: Date.now(), external_path: path, discarded: false };
    checkpoints.set(first.flinkJobId, { latest: { completed, savepoint: null, failed: null, restored: null }, history: [completed] });
    expect((await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } })).status).toBe(202);
    await until(first.id, ['STOPPED']);

    const second = await start(job.id);
    expect(second).toMatchObject({ status: 'RUNNING', restoredFrom: path, restoredFromKind: 'checkpoint' });
    expect(second.history[0].detail).toBe(`restore 'latest-state': restoring from checkpoint ${path}`);
    expect(runBodies.find((body) => body.jobId === second.flinkJobId)).toMatchObject({
      savepointPath: path,
      allowNonRestoredState: false,
      claimMode: 'NO_CLAIM',
    });
    const third = await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } });
    expect(third.status).toBe(202);
  });

  it.skipIf(backend.skipReason)('catalogs the checkpoint Flink kept of a cancelled run, which latest-state finds once Flink forgot the job and latest-savepoint never picks', async () => {
    const job = await createJob();
    const first = await start(job.id);
    const path = `file:/opt/flink/checkpoints/${first.flinkJobId}/chk-4`;
    const completed = { status: 'COMPLETED', is_savepoint: false, latest_ack_timestamp: Date.now(), external_path: path, discarded: false };
    checkpoints.set(first.flinkJobId, { latest: { completed, savepoint: null, failed: null, restored: null }, history: [completed] });
    expect((await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } })).status).toBe(202);
    await until(first.id, ['STOPPED']);
    const catalog = await waitFor(
      async () => (await (await api.request(`/api/v1/jobs/${job.id}/savepoints`)).json()).savepoints,
      (entries: unknown[]) => entries.length > 0,
      15_000,
      'the retained checkpoint in the catalog',
    );
    expect(catalog).toEqual([
      expect.objectContaining({ origin: 'RETAINED_CHECKPOINT', status: 'COMPLETED', path, executionId: first.id, jobVersion: 1 }),
    ]);

    // Flink forgets finished jobs (jobstore.expiration-time, a restart): the catalog still knows the checkpoint.
    checkpoints.delete(first.flinkJobId);
    const latestSavepoint = await start(job.id, { restore: 'latest-savepoint' });
    expect(latestSavepoint).toMatchObject({ restoredFrom: null });
    expect((await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } })).status).toBe(202);
    await until(latestSavepoint.id, ['STOPPED']);
    const latestState = await start(job.id, { restore: 'latest-state' });
    expect(latestState).toMatchObject({ restoredFrom: path, restoredFromKind: 'checkpoint' });
    expect((await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } })).status).toBe(202);
    await until(latestState.id, ['STOPPED']);
    // Runs without a checkpoint of their own add nothing to the catalog.
    expect((await (await api.request(`/api/v1/jobs/${job.id}/savepoints`)).json()).savepoints).toHaveLength(1);
  });
});
