import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../adapters/output/keys/api-key-file.js';
import { executionRow } from '../../adapters/output/repository/execution-rows.js';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { newExecution, type ExecutionStatus } from '../../domain/entities/execution.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';

const backends = await testAppBackends();
const keys = { admin: `fjs_${randomBytes(32).toString('base64url')}`, operator: `fjs_${randomBytes(32).toString('base64url')}` };
let folder: string;
let counter = 0;
const newId = () => `00000000-0000-4000-9000-${String(++counter).padStart(12, '0')}`;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fjs-purge-'));
  const lines = Object.entries(keys).map(([role, key]) => `${role}-key ${role} ${hashApiKey(key)}`);
  await writeFile(join(folder, 'api-keys'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe.each(backends)('POST /api/v1/executions/purge on $name', (backend) => {
  let api: TestApp;
  let jobId: string;

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start(loadConfig({ API_KEYS_FILE: join(folder, 'api-keys'), FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9' }));
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    const created = await as('admin', 'POST', '/api/v1/jobs', {
      name: `purged-${++counter}`,
      jarURL: '/jars/purged.jar',
      entryClass: 'com.example.Main',
    });
    expect(created.status).toBe(201);
    jobId = (await created.json()).id;
  });

  const as = (role: keyof typeof keys, method: string, path: string, json?: unknown) =>
    api.request(path, { method, headers: { Authorization: `Bearer ${keys[role]}` }, ...(json === undefined ? {} : { json }) });
  const purge = (json?: unknown, role: keyof typeof keys = 'admin') => as(role, 'POST', '/api/v1/executions/purge', json);

  async function aRun(ofJob: string, hours: number, status: ExecutionStatus): Promise<string> {
    const execution = newExecution({ id: newId(), jobId: ofJob, trigger: 'manual', now: hoursAgo(hours) });
    await databaseOf(api.container)
      .db.insert(jobExecutions)
      .values({ ...executionRow(execution), status, endedAt: status === 'RUNNING' ? null : hoursAgo(hours), exclusive: false });
    return execution.id;
  }
  const runsOf = async (ofJob: string) =>
    (await (await as('operator', 'GET', `/api/v1/jobs/${ofJob}/executions?limit=100`)).json()).executions.map(
      (run: { id: string }) => run.id,
    );

  it('needs the admin role: an operator gets 403 and nothing is removed', async () => {
    await aRun(jobId, 5, 'SUCCEEDED');
    await aRun(jobId, 4, 'SUCCEEDED');
    await expectProblem(await purge({ jobId }, 'operator'), 403, 'FORBIDDEN');
    expect(await runsOf(jobId)).toHaveLength(2);
  });

  it('with dryRun counts, removes nothing, and is audited; without, removes and is audited with the change', async () => {
    await aRun(jobId, 5, 'SUCCEEDED');
    await aRun(jobId, 4, 'FAILED');
    const active = await aRun(jobId, 3, 'RUNNING');
    const newest = await aRun(jobId, 1, 'SUCCEEDED');
    const before = hoursAgo(2).toISOString();

    const dry = await purge({ jobId, before, dryRun: true });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({ removed: 2, dryRun: true });
    expect(await runsOf(jobId)).toHaveLength(4);

    const done = await purge({ jobId, before });
    expect(await done.json()).toEqual({ removed: 2, dryRun: false });
    expect((await runsOf(jobId)).sort()).toEqual([active, newest].sort());
    const audit = await (await as('admin', 'GET', `/api/v1/audit?action=run.purge&resourceId=${jobId}`)).json();
    expect(audit.events).toHaveLength(2);
    expect(audit.events[0]).toMatchObject({ actor: 'admin-key', action: 'run.purge', resourceType: 'job', outcome: 200 });
  });

  it("purges a deleted job's runs, its newest too; an unknown job is a 404", async () => {
    const runs = [await aRun(jobId, 5, 'SUCCEEDED'), await aRun(jobId, 4, 'STOPPED')];
    expect((await as('admin', 'DELETE', `/api/v1/jobs/${jobId}`)).status).toBe(204);
    expect(await (await purge({ jobId })).json()).toEqual({ removed: runs.length, dryRun: false });
    await expectProblem(await purge({ jobId: '00000000-0000-4000-8000-0000000fffff' }), 404, 'JOB_NOT_FOUND');
  });

  it.each([
    [{ before: new Date(Date.now() + 3600_000).toISOString() }, 'before', 'must not be in the future'],
    [{ before: 'yesterday' }, 'before', 'RFC 3339'],
    [{ jobId: 'not-a-uuid' }, 'jobId', 'UUID'],
    [{ dryRun: 'yes' }, 'dryRun', ''],
    [{ olderThan: '2026-01-01T00:00:00Z' }, '', ''],
  ])('refuses %j with 400 VALIDATION_FAILED and removes nothing', async (body, path, message) => {
    await aRun(jobId, 5, 'SUCCEEDED');
    await aRun(jobId, 4, 'SUCCEEDED');
    const problem = await expectProblem(await purge(body), 400, 'VALIDATION_FAILED');
    if (path) expect(problem.errors[0].path).toBe(path);
    expect(problem.detail).toContain(message);
    expect(await runsOf(jobId)).toHaveLength(2);
  });
});
