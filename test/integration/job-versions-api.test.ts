import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobVersions } from '../../adapters/output/repository/job-version-table.js';
import { auditEvents, events } from '../../adapters/output/repository/schema.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import type { SchedulerLoop } from '../../infrastructure/scheduler-loop.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { midnightDaysAgo } from '../support/instants.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();

// Nothing listens on 127.0.0.1:1: every run fails at its JAR download, quickly.
const JAR_URL = 'http://127.0.0.1:1/jars/job.jar';
const config = () => loadConfig({ FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9', JAR_ALLOWED_HOSTS: '127.0.0.1:1' });

describe.each(backends)('job versions and rollback through the API on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start(config());
  });
  afterAll(async () => {
    await api?.close();
  });

  const definition = (name: string, extra: Record<string, unknown> = {}) => ({ name, jarURL: JAR_URL, entryClass: 'com.example.Main', ...extra });
  async function createJob(extra: Record<string, unknown> = {}) {
    const name = `versioned-${backend.name}-${++counter}`;
    const response = await api.request('/api/v1/jobs', { method: 'POST', json: definition(name, extra) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; name: string };
  }
  const replace = async (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request(`/api/v1/jobs/${id}`, { method: 'PUT', json: body, headers });
  const rollback = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    api.request(`/api/v1/jobs/${id}/rollback`, { method: 'POST', json: body, headers });
  const versionsOf = async (id: string, query = '') => (await api.request(`/api/v1/jobs/${id}/versions${query}`)).json();

  it.skipIf(backend.skipReason)('keeps every definition, newest first, paged, each as it was', async () => {
    const job = await createJob({ parallelism: 1, config: { b: 2, a: 1 } });
    expect((await replace(job.id, definition(job.name, { parallelism: 2 }))).status).toBe(200);
    expect((await replace(job.id, definition(job.name, { parallelism: 3 }))).status).toBe(200);

    const all = await versionsOf(job.id);
    expect(all.versions.map((one: { version: number }) => one.version)).toEqual([3, 2, 1]);
    expect(all.nextContinuationToken).toBeNull();
    expect(all.versions[2]).toEqual({
      jobId: job.id,
      version: 1,
      createdAt: expect.any(String),
      changedBy: 'anonymous',
      definition: {
        ...definition(job.name),
        description: null,
        config: { a: 1, b: 2 },
        args: [],
        parallelism: 1,
        flinkConfiguration: {},
        jarSha256: null,
        timeoutSeconds: null,
        labels: {},
        retryPolicy: { maxAttempts: 1, backoffSeconds: 30, backoffMultiplier: 2, maxBackoffSeconds: 3600 },
        restore: null,
        allowNonRestoredState: false,
        claimMode: 'NO_CLAIM',
        savepointPolicy: null,
      },
    });

    const first = await versionsOf(job.id, '?limit=2');
    expect(first.versions.map((one: { version: number }) => one.version)).toEqual([3, 2]);
    const second = await versionsOf(job.id, `?limit=2&continuationToken=${first.nextContinuationToken}`);
    expect(second.versions.map((one: { version: number }) => one.version)).toEqual([1]);
    expect(second.nextContinuationToken).toBeNull();
    const other = await createJob();
    await expectProblem(
      await api.request(`/api/v1/jobs/${other.id}/versions?continuationToken=${first.nextContinuationToken}`),
      400,
      'INVALID_CONTINUATION_TOKEN',
    );

    const two = await (await api.request(`/api/v1/jobs/${job.id}/versions/2`)).json();
    expect(two).toMatchObject({ version: 2, definition: { parallelism: 2 } });
  });

  it.skipIf(backend.skipReason)('answers stable problems for an unknown job or version, and 400 for a version that is no positive integer', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/versions/2`), 404, 'JOB_VERSION_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/jobs/00000000-0000-4000-8000-000000000000/versions/1'), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/jobs/00000000-0000-4000-8000-000000000000/versions'), 404, 'JOB_NOT_FOUND');
    for (const bad of ['0', '-1', '1.5', 'abc', '01', '99999999999']) {
      await expectProblem(await api.request(`/api/v1/jobs/${job.id}/versions/${bad}`), 400, 'VALIDATION_FAILED');
    }
    for (const body of [{}, { version: 0 }, { version: 1.5 }, { version: '1' }, { version: 1, upgrade: true }]) {
      await expectProblem(await rollback(job.id, body), 400, 'VALIDATION_FAILED');
    }
    await expectProblem(await rollback(job.id, { version: 7 }), 404, 'JOB_VERSION_NOT_FOUND');
  });

  it.skipIf(backend.skipReason)('rolls back as a new version, audited and announced, honouring If-Match', async () => {
    const job = await createJob({ parallelism: 1 });
    await replace(job.id, definition(job.name, { parallelism: 5, labels: { tier: 'gold' } }));
    await expectProblem(await rollback(job.id, { version: 1 }, { 'If-Match': '"1"' }), 412, 'JOB_VERSION_MISMATCH');

    const response = await rollback(job.id, { version: 1 }, { 'If-Match': '"2"', 'X-Operator-Reason': 'parallelism 5 overloads the sink' });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"3"');
    expect(await response.json()).toMatchObject({ id: job.id, version: 3, parallelism: 1, labels: {} });
    expect(await (await api.request(`/api/v1/jobs/${job.id}`)).json()).toMatchObject({ version: 3, parallelism: 1 });
    const three = await (await api.request(`/api/v1/jobs/${job.id}/versions/3`)).json();
    expect(three.definition).toEqual((await (await api.request(`/api/v1/jobs/${job.id}/versions/1`)).json()).definition);

    const { db } = databaseOf(api.container);
    const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.resourceId, job.id), eq(auditEvents.action, 'job.rollback')));
    expect(audit.map(({ outcome, versionBefore, versionAfter, reason }) => ({ outcome, versionBefore, versionAfter, reason }))).toEqual([
      { outcome: 412, versionBefore: null, versionAfter: null, reason: null },
      { outcome: 200, versionBefore: 2, versionAfter: 3, reason: 'parallelism 5 overloads the sink' },
    ]);
    const announced = await db.select().from(events).where(and(eq(events.subject, job.id), eq(events.type, 'job.replaced')));
    expect(announced.map((event) => (event.data as { version: number }).version)).toEqual([2, 3]);
  });

  it.skipIf(backend.skipReason)('deletes the versions with the job', async () => {
    const job = await createJob();
    await replace(job.id, definition(job.name, { parallelism: 2 }));
    const { db } = databaseOf(api.container);
    expect(await db.select().from(jobVersions).where(eq(jobVersions.jobId, job.id))).toHaveLength(2);
    expect((await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await db.select().from(jobVersions).where(eq(jobVersions.jobId, job.id))).toEqual([]);
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/versions`), 404, 'JOB_NOT_FOUND');
  });

  it.skipIf(backend.skipReason)("records each run's job version: a retry keeps its run's, a tick and a backfill take the current one", async () => {
    const job = await createJob();
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    expect(started).toMatchObject({ jobVersion: 1, flinkWebUrl: null });
    const read = (id: string) => api.request(`/api/v1/executions/${id}`).then((response) => response.json());
    const failed = await waitFor(() => read(started.id), (run) => run.status === 'FAILED', 30_000, 'the run to fail');
    expect(failed.jobVersion).toBe(1);

    await replace(job.id, definition(job.name, { parallelism: 2 }));
    const retry = await (await api.request(`/api/v1/executions/${started.id}/retry`, { method: 'POST' })).json();
    expect(retry).toMatchObject({ trigger: 'retry', jobVersion: 1 });
    await waitFor(() => read(retry.id), (run) => run.status === 'FAILED', 30_000, 'the retry to fail');

    expect((await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 * * *' } })).status).toBe(200);
    const tick = await (await api.request(`/api/v1/jobs/${job.id}/schedule/trigger`, { method: 'POST' })).json();
    expect(tick).toMatchObject({ trigger: 'schedule', jobVersion: 2 });
    await waitFor(() => read(tick.id), (run) => run.status === 'FAILED', 30_000, 'the tick to fail');

    await rollback(job.id, { version: 1 });
    const body = { from: midnightDaysAgo(3), to: midnightDaysAgo(2), reprocess: 'all', maxActive: 1 };
    const plan = await (await api.request(`/api/v1/jobs/${job.id}/backfills`, { method: 'POST', json: body })).json();
    const loop = api.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
    loop.start();
    try {
      await waitFor(
        async () => (await api.request(`/api/v1/backfills/${plan.backfill.id}`)).json(),
        (backfill) => backfill.state === 'completed',
        30_000,
        'the backfill to complete',
      );
    } finally {
      await loop.stop();
    }
    const runs = await (await api.request(`/api/v1/jobs/${job.id}/executions?limit=200`)).json();
    const backfilled = runs.executions.filter((run: { trigger: string }) => run.trigger === 'backfill');
    expect(backfilled.length).toBeGreaterThan(0);
    expect(backfilled.map((run: { jobVersion: number }) => run.jobVersion)).toEqual(backfilled.map(() => 3));
  });
});
