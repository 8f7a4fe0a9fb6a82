import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleSavepointRepository } from '../../adapters/output/repository/drizzle-savepoint-repository.js';
import { auditEvents, events } from '../../adapters/output/repository/schema.js';
import { newExecution, type Execution } from '../../domain/entities/execution.js';
import type { Savepoint } from '../../domain/entities/savepoint.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import type { ExecutionWorker } from '../../infrastructure/execution-worker.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

/** Flink's REST API as far as a running job's savepoints go: every job RUNNING, every savepoint COMPLETED at `location`. */
function flinkStub(location: string) {
  const triggered: { path: string; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const answer = (status: number, json: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
      const url = request.url ?? '';
      if (request.method === 'POST' && /^\/jobs\/[^/]+\/savepoints$/.test(url)) {
        triggered.push({ path: url, body: JSON.parse(body) });
        return answer(202, { 'request-id': `trigger-${triggered.length}` });
      }
      if (/^\/jobs\/[^/]+\/savepoints\/[^/]+$/.test(url)) return answer(200, { status: { id: 'COMPLETED' }, operation: { location } });
      if (/^\/jobs\/[^/]+$/.test(url)) return answer(200, { state: 'RUNNING' });
      return answer(404, { errors: ['Not found: ' + url] });
    });
  });
  return { server, triggered };
}

describe.each(backends)('savepoints through the API on $name', (backend) => {
  let api: TestApp;
  let flink: ReturnType<typeof flinkStub>;
  let folder: string;
  let counter = 0;

  beforeAll(async () => {
    if (backend.skipReason) return;
    folder = await mkdtemp(join(tmpdir(), 'savepoints-api-'));
    flink = flinkStub(`${pathToFileURL(folder).href}/savepoint-from-flink`);
    await new Promise<void>((resolve) => flink.server.listen(0, '127.0.0.1', resolve));
    const port = (flink.server.address() as AddressInfo).port;
    api = await backend.start(
      loadConfig({ FLINK_JOBMANAGER_URL: `http://127.0.0.1:${port}`, SAVEPOINT_DIR: 'file:///savepoints', FLINK_POLL_INTERVAL_MS: '200' }),
    );
    // The worker follows runs, and their savepoints, as the service's start does.
    await api.container.resolve<ExecutionWorker>(TOKENS.ExecutionWorker).start();
  });
  afterAll(async () => {
    await api?.close();
    flink?.server.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const createJob = async (extra: Record<string, unknown> = {}) => {
    const json = { name: `sp-${backend.name}-${++counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main', ...extra };
    const response = await api.request('/api/v1/jobs', { method: 'POST', json });
    expect(response.status).toBe(201);
    return response.json();
  };
  /** A run RUNNING on Flink whose lease ran out: the app takes it over and follows it. */
  const runningExecution = async (jobId: string): Promise<Execution> => {
    const leases = { owner: 'a-gone-instance', ttlMs: -1, clock: { now: () => new Date() } };
    const now = new Date();
    const pending = newExecution({ id: crypto.randomUUID(), jobId, trigger: 'manual', now });
    const history = [...pending.history, { status: 'SUBMITTING' as const, at: now }, { status: 'RUNNING' as const, at: now }];
    const execution = { ...pending, status: 'RUNNING' as const, startedAt: now, history };
    await new DrizzleExecutionRepository(databaseOf(api.container).db, leases).insert(execution, { exclusive: true });
    return execution;
  };
  const storeSavepoint = async (jobId: string, executionId: string, values: Partial<Savepoint>) => {
    const savepoint: Savepoint = {
      id: crypto.randomUUID(), jobId, executionId, jobVersion: 1, path: null, origin: 'MANUAL', status: 'COMPLETED',
      triggerId: 't', dueAt: null, createdAt: new Date(), completedAt: new Date(), error: null, ...values,
    };
    await new DrizzleSavepointRepository(databaseOf(api.container).db).insert(savepoint);
    return savepoint;
  };

  it.skipIf(backend.skipReason)('shows a job\'s savepointPolicy, null when unset, and refuses bad ones naming the field', async () => {
    expect((await createJob()).savepointPolicy).toBeNull();
    const job = await createJob({ savepointPolicy: { intervalSeconds: 3600, maxCount: 5 } });
    expect(job.savepointPolicy).toEqual({ intervalSeconds: 3600, cron: null, maxCount: 5, maxAgeSeconds: null });
    expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).savepointPolicy).toEqual(job.savepointPolicy);
    const bad = [
      [{ maxCount: 3 }, 'savepointPolicy'],
      [{ intervalSeconds: 60, cron: '0 * * * *' }, 'savepointPolicy'],
      [{ intervalSeconds: 5 }, 'savepointPolicy.intervalSeconds'],
      [{ cron: '0 99 * * *' }, 'savepointPolicy.cron'],
      [{ intervalSeconds: 600, maxCount: 0 }, 'savepointPolicy.maxCount'],
      [{ intervalSeconds: 600, every: 'hour' }, 'savepointPolicy.every'],
    ] as const;
    for (const [savepointPolicy, field] of bad) {
      const json = { name: `bad-${++counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main', savepointPolicy };
      const problem = await expectProblem(await api.request('/api/v1/jobs', { method: 'POST', json }), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((error: { path: string }) => error.path), JSON.stringify(savepointPolicy)).toContain(field);
    }
  });

  it.skipIf(backend.skipReason)('answers 404 and 409 with stable codes', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/savepoints`, { method: 'POST' }), 409, 'JOB_NOT_RUNNING');
    await expectProblem(await api.request(`/api/v1/jobs/${UNKNOWN}/savepoints`, { method: 'POST' }), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/jobs/${UNKNOWN}/savepoints`), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/savepoints/${UNKNOWN}`), 404, 'SAVEPOINT_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/savepoints/not-an-id`, { method: 'DELETE' }), 404, 'SAVEPOINT_NOT_FOUND');
    const run = await runningExecution(job.id);
    const pending = await storeSavepoint(job.id, run.id, { status: 'PENDING', triggerId: null, completedAt: null });
    await expectProblem(await api.request(`/api/v1/savepoints/${pending.id}`, { method: 'DELETE' }), 409, 'SAVEPOINT_PENDING');
  });

  it.skipIf(backend.skipReason)('triggers a savepoint of the running job (202, PENDING) that the run\'s follower completes', async () => {
    const job = await createJob();
    const run = await runningExecution(job.id);
    const response = await api.request(`/api/v1/jobs/${job.id}/savepoints`, { method: 'POST' });
    expect(response.status).toBe(202);
    const savepoint = await response.json();
    expect(savepoint).toMatchObject({ status: 'PENDING', origin: 'MANUAL', executionId: run.id, jobVersion: 1, path: null });
    expect(response.headers.get('Location')).toBe(`/api/v1/savepoints/${savepoint.id}`);
    expect(flink.triggered.at(-1)).toEqual({
      path: `/jobs/${run.flinkJobId}/savepoints`,
      body: { 'target-directory': 'file:///savepoints', 'cancel-job': false },
    });
    const done = await waitFor(
      async () => (await api.request(`/api/v1/savepoints/${savepoint.id}`)).json(),
      (current) => current.status !== 'PENDING',
      20_000,
      'the savepoint to complete',
    );
    expect(done).toMatchObject({ status: 'COMPLETED', path: `${pathToFileURL(folder).href}/savepoint-from-flink` });
    const db = databaseOf(api.container).db;
    const types = (await db.select().from(events).where(eq(events.subject, job.id))).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['savepoint.triggered', 'savepoint.completed']));
    const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.resourceId, job.id), eq(auditEvents.action, 'savepoint.trigger')));
    expect(audit).toHaveLength(1);
  });

  it.skipIf(backend.skipReason)('lists newest first, page by page, and disposes: a reachable file: folder is deleted, other paths stay', async () => {
    const job = await createJob();
    const run = await runningExecution(job.id);
    const onDisk = join(folder, `savepoint-${backend.name}`);
    await mkdir(onDisk, { recursive: true });
    await writeFile(join(onDisk, '_metadata'), 'state');
    const local = await storeSavepoint(job.id, run.id, { path: pathToFileURL(onDisk).href, createdAt: new Date(Date.now() - 3000) });
    const remote = await storeSavepoint(job.id, run.id, { path: 's3://bucket/savepoints/savepoint-1', createdAt: new Date(Date.now() - 2000) });
    const failed = await storeSavepoint(job.id, run.id, { status: 'FAILED', error: 'disk full', createdAt: new Date(Date.now() - 1000) });

    const first = await (await api.request(`/api/v1/jobs/${job.id}/savepoints?limit=2`)).json();
    expect(first.savepoints.map((savepoint: Savepoint) => savepoint.id)).toEqual([failed.id, remote.id]);
    const token = encodeURIComponent(first.nextContinuationToken);
    const second = await (await api.request(`/api/v1/jobs/${job.id}/savepoints?limit=2&continuationToken=${token}`)).json();
    expect(second).toEqual({ savepoints: [expect.objectContaining({ id: local.id })], nextContinuationToken: null });

    const deleted = await api.request(`/api/v1/savepoints/${local.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ filesRemoved: true, savepoint: { status: 'DISPOSED' } });
    await expect(stat(onDisk)).rejects.toMatchObject({ code: 'ENOENT' });

    const kept = await (await api.request(`/api/v1/savepoints/${remote.id}`, { method: 'DELETE' })).json();
    expect(kept).toMatchObject({ filesRemoved: false, savepoint: { status: 'DISPOSED' } });
    expect(kept.message).toContain('the files remain at s3://bucket/savepoints/savepoint-1');
    expect((await (await api.request(`/api/v1/savepoints/${remote.id}`)).json()).status).toBe('DISPOSED');
    const db = databaseOf(api.container).db;
    const disposedEvents = (await db.select().from(events).where(eq(events.subject, job.id))).filter((event) => event.type === 'savepoint.disposed');
    expect(disposedEvents).toHaveLength(2);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.action, 'savepoint.dispose'));
    expect(audit.filter((row) => row.outcome === 200).map((row) => row.resourceId)).toEqual(expect.arrayContaining([local.id, remote.id]));
  });
});
