import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { databaseOf } from '../../infrastructure/container.js';
import { testAppBackends, type TestApp } from '../support/http-app.js';
import { countStatements } from '../support/statement-count.js';

const backends = await testAppBackends();

describe.each(backends)('statements per job read on $name', (backend) => {
  let api: TestApp;
  let statements: ReturnType<typeof countStatements>;
  let jobIds: string[];

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    jobIds = [];
    for (let i = 0; i < 5; i++) {
      const body = { name: `read-${i}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main', labels: { team: 't7' } };
      const job = await (await api.request('/api/v1/jobs', { method: 'POST', json: body })).json();
      jobIds.push(job.id);
      const schedule = { cron: '0 0 * * *', timezone: 'UTC' };
      expect((await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: schedule })).status).toBe(200);
    }
    const db = databaseOf(api.container).db;
    await db.insert(jobExecutions).values({
      id: '00000000-0000-4000-8000-0000000000e1',
      jobId: jobIds[0]!,
      trigger: 'manual',
      attempt: 1,
      status: 'SUCCEEDED',
      exclusive: false,
      flinkJobId: 'f'.repeat(32),
      history: [],
      createdAt: new Date('2026-05-01T00:00:00.000Z'),
    });
    statements = countStatements(db);
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    statements.reset();
  });

  it('reads a job with its last execution and schedule in one statement', async () => {
    const response = await api.request(`/api/v1/jobs/${jobIds[0]}`);
    const job = await response.json();
    expect(job.lastExecution).toMatchObject({ id: '00000000-0000-4000-8000-0000000000e1', status: 'SUCCEEDED' });
    expect(job.schedule).toMatchObject({ cron: '0 0 * * *', nextRunTimes: expect.any(Array) });
    expect(statements.since()).toHaveLength(1);
  });

  it('reads a page of jobs, filtered or not, in one statement each', async () => {
    const all = await (await api.request('/api/v1/jobs?limit=3')).json();
    expect(all.jobs).toHaveLength(3);
    expect(all.jobs.every((job: { schedule: unknown }) => job.schedule !== null)).toBe(true);
    const next = await (await api.request(`/api/v1/jobs?limit=3&continuationToken=${all.nextContinuationToken}`)).json();
    expect(next.jobs).toHaveLength(2);
    const filtered = await (await api.request('/api/v1/jobs?limit=50&label=team:t7&namePrefix=read-')).json();
    expect(filtered.jobs).toHaveLength(5);
    expect(statements.since()).toHaveLength(3);
  });

  it.skipIf(backend.name !== 'postgres')("reads a job's newest runs off the job's run index, never sorting all of them", async () => {
    // A job with many runs (up to EXECUTION_RETENTION_PER_JOB are kept): its last run and its first page of runs
    // are the first entries of job_executions_job_newest_idx.
    const db = databaseOf(api.container).db;
    await db.execute(sql`
      insert into job_executions (id, job_id, trigger, attempt, status, exclusive, flink_job_id, history, created_at)
      select gen_random_uuid(), ${jobIds[1]!}, 'schedule', 1, 'SUCCEEDED', false, replace(gen_random_uuid()::text, '-', ''),
             '[]', timestamptz '2026-04-01T00:00:00Z' + g * interval '1 minute'
      from generate_series(1, 2000) as g`);
    // And newer runs of another job, which a walk of all runs by time would have to pass first.
    await db.execute(sql`
      insert into job_executions (id, job_id, trigger, attempt, status, exclusive, flink_job_id, history, created_at)
      select gen_random_uuid(), ${jobIds[2]!}, 'schedule', 1, 'SUCCEEDED', false, replace(gen_random_uuid()::text, '-', ''),
             '[]', timestamptz '2026-05-01T00:00:00Z' + g * interval '1 minute'
      from generate_series(1, 2000) as g`);
    await db.execute(sql`analyze job_executions`);
    statements.reset();
    expect((await api.request(`/api/v1/jobs/${jobIds[1]}`)).status).toBe(200);
    expect((await api.request(`/api/v1/jobs/${jobIds[1]}/executions?limit=20`)).status).toBe(200);
    expect((await api.request('/api/v1/jobs?limit=5')).status).toBe(200);
    const sent = statements.sentWithParameters().filter(({ text }) => /job_executions/.test(text));
    expect(sent.length).toBeGreaterThanOrEqual(3);
    const client = (db as unknown as { $client: { unsafe(text: string, parameters: unknown[]): Promise<{ 'QUERY PLAN': unknown }[]> } }).$client;
    for (const { text, parameters } of sent) {
      const [row] = await client.unsafe(`explain (format json) ${text}`, parameters);
      const plan = JSON.stringify(row!['QUERY PLAN']);
      const sorts = plan.match(/"Sort Key":\[[^\]]*\]/g) ?? [];
      expect(sorts.filter((keys) => keys.includes('created_at')), text).toEqual([]);
      // Every read of the runs is on the job's own index, in its order: none walks all runs by time.
      const runScans = plan.match(/"Index Name":"[a-z_]+","Relation Name":"job_executions"/g) ?? [];
      expect(runScans.length, text).toBeGreaterThan(0);
      expect(runScans.filter((scan) => !scan.includes('job_executions_job_newest_idx')), text).toEqual([]);
    }
  });

  it('answers an unknown job with 404 after one statement, and a malformed id with none', async () => {
    expect((await api.request('/api/v1/jobs/00000000-0000-4000-8000-00000000dead')).status).toBe(404);
    expect((await api.request('/api/v1/jobs/not-a-job')).status).toBe(404);
    expect(statements.since()).toHaveLength(1);
  });
});
