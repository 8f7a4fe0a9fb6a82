import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { databaseOf } from '../../infrastructure/container.js';
import { testAppBackends, type TestApp } from '../support/http-app.js';
import { countStatements } from '../support/statement-count.js';

const backends = await testAppBackends();

describe.each(backends)('statements per page of runs and per summary on $name', (backend) => {
  let api: TestApp;
  let statements: ReturnType<typeof countStatements>;
  let jobId: string;

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    const body = { name: 'counted', jarURL: '/jars/job.jar', entryClass: 'com.example.Main', labels: { team: 't7' } };
    jobId = (await (await api.request('/api/v1/jobs', { method: 'POST', json: body })).json()).id;
    expect((await api.request(`/api/v1/jobs/${jobId}/schedule`, { method: 'POST', json: { cron: '0 0 * * *' } })).status).toBe(200);
    const statuses = ['RUNNING', 'FAILED', 'SUCCEEDED'] as const;
    await databaseOf(api.container).db.insert(jobExecutions).values(
      Array.from({ length: 12 }, (_, i) => ({
        id: `00000000-0000-4000-8000-0000000000${String(10 + i)}`,
        jobId,
        trigger: 'manual' as const,
        attempt: 1,
        status: statuses[i % 3]!,
        exclusive: false,
        flinkJobId: 'f'.repeat(32),
        history: [],
        createdAt: new Date(Date.now() - i * 60_000),
      })),
    );
    statements = countStatements(databaseOf(api.container).db);
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    statements.reset();
  });

  it.each([
    ['no filter', 'limit=2'],
    ['one status', 'limit=2&status=RUNNING'],
    ['several statuses', 'limit=2&status=RUNNING&status=FAILED'],
    ['every filter', 'limit=2&status=RUNNING&status=FAILED&trigger=manual&label=team:t7&since=2020-01-01T00:00:00Z&until=2099-01-01T00:00:00Z'],
  ])('reads each page of runs, %s, in one statement', async (_, query) => {
    const first = await (await api.request(`/api/v1/executions?${query}`)).json();
    expect(first.executions).toHaveLength(2);
    const token = encodeURIComponent(first.nextContinuationToken);
    const second = await (await api.request(`/api/v1/executions?${query}&continuationToken=${token}`)).json();
    expect(second.executions).toHaveLength(2);
    expect(statements.since()).toHaveLength(2);
  });

  it('reads a page of one job in one statement', async () => {
    const page = await (await api.request(`/api/v1/executions?limit=5&jobId=${jobId}`)).json();
    expect(page.executions).toHaveLength(5);
    expect(statements.since()).toHaveLength(1);
  });

  it('reads the summary in two statements, the counts and the schedules that fire soonest', async () => {
    const summary = await (await api.request('/api/v1/summary')).json();
    expect(summary).toMatchObject({ jobs: 1, schedules: { active: 1, paused: 0, ended: 0 } });
    expect(summary.runsLast24Hours).toMatchObject({ RUNNING: 4, FAILED: 4, SUCCEEDED: 4 });
    expect(summary.nextTicks).toHaveLength(10);
    expect(statements.since()).toHaveLength(2);
  });
});
