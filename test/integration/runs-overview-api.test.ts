import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { jobSchedules } from '../../adapters/output/repository/schedule-table.js';
import type { ExecutionStatus, ExecutionTrigger } from '../../domain/entities/execution.js';
import { databaseOf } from '../../infrastructure/container.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';

const backends = await testAppBackends();

interface StoredRun {
  id: string;
  jobId: string;
  status: ExecutionStatus;
  trigger: ExecutionTrigger;
  createdAt: Date;
}

/** Stores runs straight in the table, with the creation times the test needs. */
async function storeRuns(api: TestApp, runs: Omit<StoredRun, 'id'>[]): Promise<StoredRun[]> {
  const stored = runs.map((run) => ({ ...run, id: randomUUID() }));
  await databaseOf(api.container)
    .db.insert(jobExecutions)
    .values(stored.map((run) => ({ ...run, attempt: 1, exclusive: false, flinkJobId: run.id.replaceAll('-', ''), history: [] })));
  return stored;
}

async function createJob(api: TestApp, name: string, labels: Record<string, string> = {}): Promise<string> {
  const body = { name, jarURL: '/jars/job.jar', entryClass: 'com.example.Main', labels };
  const response = await api.request('/api/v1/jobs', { method: 'POST', json: body });
  expect(response.status).toBe(201);
  return (await response.json()).id;
}

/** Newest first, as the list orders: by creation time, then id. */
const newestFirst = (runs: StoredRun[]) =>
  [...runs].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((run) => run.id);

/** Every page of a listing, following the tokens; `between` runs after each page. */
async function allPages(api: TestApp, query: string, between: () => Promise<unknown> = async () => {}) {
  const ids: string[] = [];
  let pages = 0;
  let token: string | null = null;
  do {
    const path: string = `/api/v1/executions?${query}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
    const response = await api.request(path);
    expect(response.status, path).toBe(200);
    const page: { executions: { id: string }[]; nextContinuationToken: string | null } = await response.json();
    ids.push(...page.executions.map((run) => run.id));
    token = page.nextContinuationToken;
    pages++;
    await between();
  } while (token);
  return { ids, pages };
}

describe.each(backends)('GET /api/v1/executions on $name', (backend) => {
  let api: TestApp;
  let runs: StoredRun[];
  let jobs: { gold: string; data: string; ops: string };

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    jobs = {
      gold: await createJob(api, 'gold', { team: 'data', tier: 'gold' }),
      data: await createJob(api, 'data', { team: 'data' }),
      ops: await createJob(api, 'ops', { team: 'ops' }),
    };
    const statuses: ExecutionStatus[] = ['RUNNING', 'FAILED', 'SUCCEEDED', 'SKIPPED', 'QUEUED'];
    const triggers: ExecutionTrigger[] = ['manual', 'schedule', 'retry', 'backfill'];
    const jobIds = Object.values(jobs);
    const base = Date.parse('2026-06-01T00:00:00.000Z');
    runs = await storeRuns(
      api,
      Array.from({ length: 30 }, (_, i) => ({
        jobId: jobIds[i % 3]!,
        status: statuses[i % 5]!,
        trigger: triggers[Math.floor(i / 2) % 4]!,
        // Pairs share a creation time: the id orders them.
        createdAt: new Date(base + Math.floor(i / 2) * 60_000),
      })),
    );
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
  });

  const list = async (query: string) => {
    const response = await api.request(`/api/v1/executions?${query}`);
    expect(response.status, query).toBe(200);
    return (await response.json()).executions.map((run: { id: string }) => run.id) as string[];
  };
  const only = (keep: (run: StoredRun) => boolean) => newestFirst(runs.filter(keep));

  it('lists the runs of every job, newest first, as the API shows them', async () => {
    const response = await api.request('/api/v1/executions?limit=200');
    const body = await response.json();
    expect(body.executions.map((run: { id: string }) => run.id)).toEqual(newestFirst(runs));
    expect(body.nextContinuationToken).toBeNull();
    expect(body.executions[0]).toMatchObject({ jobId: expect.any(String), status: expect.any(String), history: [] });
  });

  it('filters by each filter alone', async () => {
    expect(await list('status=RUNNING')).toEqual(only((run) => run.status === 'RUNNING'));
    expect(await list('status=RUNNING&status=FAILED')).toEqual(only((run) => ['RUNNING', 'FAILED'].includes(run.status)));
    expect(await list('trigger=retry')).toEqual(only((run) => run.trigger === 'retry'));
    expect(await list('trigger=backfill')).toEqual(only((run) => run.trigger === 'backfill'));
    expect(await list('trigger=backfill')).not.toEqual([]);
    expect(await list(`jobId=${jobs.ops}`)).toEqual(only((run) => run.jobId === jobs.ops));
    expect(await list('label=team:data')).toEqual(only((run) => run.jobId !== jobs.ops));
    expect(await list('label=team:data&label=tier:gold')).toEqual(only((run) => run.jobId === jobs.gold));
    const since = runs[10]!.createdAt;
    const until = runs[20]!.createdAt;
    expect(await list(`since=${since.toISOString()}`)).toEqual(only((run) => run.createdAt >= since));
    expect(await list(`until=${until.toISOString()}`)).toEqual(only((run) => run.createdAt < until));
    // An offset is the same instant.
    expect(await list(`since=${encodeURIComponent('2026-06-01T02:05:00+02:00')}`)).toEqual(
      only((run) => run.createdAt >= new Date('2026-06-01T00:05:00Z')),
    );
    expect(await list(`jobId=${randomUUID()}`)).toEqual([]);
    expect(await list('label=team:nobody')).toEqual([]);
  });

  it('combines filters: every one given must hold', async () => {
    const since = runs[4]!.createdAt;
    const until = runs[26]!.createdAt;
    const query = `status=FAILED&status=SUCCEEDED&status=RUNNING&label=team:data&trigger=schedule&since=${since.toISOString()}&until=${until.toISOString()}`;
    const expected = only(
      (run) =>
        ['FAILED', 'SUCCEEDED', 'RUNNING'].includes(run.status) &&
        run.jobId !== jobs.ops &&
        run.trigger === 'schedule' &&
        run.createdAt >= since &&
        run.createdAt < until,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(await list(query)).toEqual(expected);
    expect(await list(`jobId=${jobs.gold}&status=RUNNING&status=SKIPPED&trigger=manual`)).toEqual(
      only((run) => run.jobId === jobs.gold && ['RUNNING', 'SKIPPED'].includes(run.status) && run.trigger === 'manual'),
    );
  });

  it('pages through every run once, with or without filters, while new runs are stored', async () => {
    // Each page is followed by a run newer than all: it belongs to no page of a listing already begun.
    const newer = async () => {
      runs.push(...(await storeRuns(api, [{ jobId: jobs.gold, status: 'RUNNING', trigger: 'manual', createdAt: new Date() }])));
    };
    const expectedPlain = newestFirst(runs);
    const plain = await allPages(api, 'limit=4', newer);
    expect(plain.pages).toBe(Math.ceil(expectedPlain.length / 4));
    expect(plain.ids).toEqual(expectedPlain);

    const expectedByStatus = only((run) => ['RUNNING', 'FAILED'].includes(run.status) && run.jobId !== jobs.ops);
    const byStatus = await allPages(api, 'limit=2&status=RUNNING&status=FAILED&label=team:data', newer);
    expect(byStatus.ids).toEqual(expectedByStatus);
    expect(byStatus.pages).toBeGreaterThan(2);

    const expectedByJob = only((run) => run.jobId === jobs.data);
    const byJob = await allPages(api, `limit=3&jobId=${jobs.data}&until=2026-07-01T00:00:00Z`, newer);
    expect(byJob.ids).toEqual(expectedByJob);
    expect(byJob.pages).toBeGreaterThan(1);
  });

  it('takes the same token for the same filters written in another order', async () => {
    const first = await (await api.request('/api/v1/executions?limit=1&status=FAILED&status=RUNNING&label=team:data')).json();
    const token = encodeURIComponent(first.nextContinuationToken);
    const next = await api.request(`/api/v1/executions?limit=1&label=team:data&status=RUNNING&status=FAILED&continuationToken=${token}`);
    expect(next.status).toBe(200);
  });

  it('answers bad input with 400 problems that name the parameter', async () => {
    const invalid = async (query: string, path: string) => {
      const problem = await expectProblem(await api.request(`/api/v1/executions?${query}`), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((error: { path: string }) => error.path), query).toContain(path);
    };
    await invalid('limit=0', 'limit');
    await invalid('limit=201', 'limit');
    await invalid('limit=1e1', 'limit');
    await invalid('status=BOGUS', 'status[0]');
    await invalid('status=RUNNING,FAILED', 'status[0]');
    await invalid('trigger=cron', 'trigger');
    await invalid('jobId=not-a-job', 'jobId');
    await invalid('label=team', 'label[0]');
    await invalid('since=yesterday', 'since');
    await invalid('until=2026-13-01T00:00:00Z', 'until');
    await invalid('since=2026-06-01T00:00:00', 'since');
    await invalid('since=2026-06-02T00:00:00Z&until=2026-06-01T00:00:00Z', 'until');
    await invalid('sort=oldest', 'sort');

    await expectProblem(await api.request('/api/v1/executions?continuationToken=made-up.token'), 400, 'INVALID_CONTINUATION_TOKEN');
    const page = await (await api.request('/api/v1/executions?limit=1&status=RUNNING')).json();
    const token = encodeURIComponent(page.nextContinuationToken);
    await expectProblem(await api.request(`/api/v1/executions?limit=1&status=FAILED&continuationToken=${token}`), 400, 'INVALID_CONTINUATION_TOKEN');
    // A token of a job's own run list is not one of this list.
    const perJob = await (await api.request(`/api/v1/jobs/${jobs.gold}/executions?limit=1`)).json();
    const foreign = encodeURIComponent(perJob.nextContinuationToken);
    await expectProblem(await api.request(`/api/v1/executions?limit=1&continuationToken=${foreign}`), 400, 'INVALID_CONTINUATION_TOKEN');
  });
});

describe('the OpenAPI document', () => {
  it('describes the filters of the run list, and both responses with an example', async () => {
    const api = await backends[0]!.start();
    try {
      const document = await (await api.request('/openapi.json')).json();
      const parameters = document.paths['/api/v1/executions'].get.parameters.map((parameter: { name: string }) => parameter.name);
      expect(parameters.sort()).toEqual(['continuationToken', 'jobId', 'label', 'limit', 'since', 'status', 'trigger', 'until']);
      const schemaOf = (path: string) => document.paths[path].get.responses['200'].content['application/json'].schema.$ref.split('/').pop();
      const list = document.components.schemas[schemaOf('/api/v1/executions')];
      const summary = document.components.schemas[schemaOf('/api/v1/summary')];
      expect(list.example.executions[0]).toMatchObject({ status: expect.any(String), jobId: expect.any(String) });
      expect(Object.keys(summary.example)).toEqual(['jobs', 'schedules', 'runsLast24Hours', 'nextTicks']);
      expect(Object.keys(summary.properties)).toEqual(Object.keys(summary.example));
    } finally {
      await api.close();
    }
  });
});

describe.each(backends)('GET /api/v1/summary on $name', (backend) => {
  let api: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    ids = {};
    for (const name of ['quarter', 'hourly', 'limited', 'paused', 'ended', 'paused-past-end', 'unscheduled', 'deleted']) {
      ids[name] = await createJob(api, name);
    }
    const schedule = async (name: string, body: Record<string, unknown>) => {
      const response = await api.request(`/api/v1/jobs/${ids[name]}/schedule`, { method: 'POST', json: body });
      expect(response.status, name).toBe(200);
    };
    // Ticks from a fixed start, so the next ones do not depend on when the test runs.
    await schedule('quarter', { cron: '0 */15 * * * *', startAt: '2099-01-01T00:00:00Z' });
    await schedule('hourly', { cron: '0 0 * * * *', startAt: '2099-01-01T00:00:00Z' });
    // Two runs left: two ticks, however many its pattern has.
    await schedule('limited', { cron: '0 */5 * * * *', startAt: '2099-01-01T00:00:00Z', remainingRuns: 2 });
    await schedule('paused', { cron: '0 * * * * *', paused: true });
    await schedule('ended', { cron: '0 * * * * *', startAt: '2020-01-01T00:00:00Z', endAt: '2020-01-02T00:00:00Z' });
    await schedule('paused-past-end', { cron: '0 * * * * *', endAt: '2099-01-01T00:00:00Z', paused: true });
    await schedule('deleted', { cron: '0 * * * * *' });
    expect((await api.request(`/api/v1/jobs/${ids.deleted}`, { method: 'DELETE' })).status).toBe(204);
    // Its end passed while it was paused: its stored next tick is one it can never fire.
    const db = databaseOf(api.container).db;
    const { eq } = await import('drizzle-orm');
    await db.update(jobSchedules).set({ endAt: new Date('2021-01-01T00:00:00Z') }).where(eq(jobSchedules.jobId, ids['paused-past-end']!));

    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await storeRuns(api, [
      { jobId: ids.quarter!, status: 'RUNNING', trigger: 'schedule', createdAt: hoursAgo(1) },
      { jobId: ids.hourly!, status: 'FAILED', trigger: 'schedule', createdAt: hoursAgo(2) },
      { jobId: ids.hourly!, status: 'FAILED', trigger: 'retry', createdAt: hoursAgo(23) },
      { jobId: ids.deleted!, status: 'SUCCEEDED', trigger: 'manual', createdAt: hoursAgo(3) },
      { jobId: ids.quarter!, status: 'SUCCEEDED', trigger: 'manual', createdAt: hoursAgo(25) },
      { jobId: ids.quarter!, status: 'SKIPPED', trigger: 'schedule', createdAt: hoursAgo(48) },
    ]);
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
  });

  it('counts jobs, schedules by state and the last day of runs', async () => {
    const response = await api.request('/api/v1/summary');
    expect(response.status).toBe(200);
    const summary = await response.json();
    expect(summary.jobs).toBe(7);
    expect(summary.schedules).toEqual({ active: 3, paused: 1, ended: 2 });
    expect(summary.runsLast24Hours).toEqual({
      QUEUED: 0, PENDING: 0, DOWNLOADING: 0, UPLOADING: 0, SUBMITTING: 0, RUNNING: 1, STOPPING: 0,
      SUCCEEDED: 1, FAILED: 2, STOPPED: 0, SKIPPED: 0,
    });
  });

  it('lists the next 10 ticks of all schedules together, soonest first, paused and ended ones left out, each at most its runs left', async () => {
    const summary = await (await api.request('/api/v1/summary')).json();
    const [first, second, third] = [ids.quarter!, ids.hourly!, ids.limited!].sort();
    const [firstOfTwo, secondOfTwo] = [ids.quarter!, ids.hourly!].sort();
    const name = (id: string) => Object.keys(ids).find((key) => ids[key] === id);
    const tick = (jobId: string, at: string) => ({ jobId, jobName: name(jobId), at: `2099-01-01T${at}:00.000Z` });
    expect(summary.nextTicks).toEqual([
      tick(first!, '00:00'),
      tick(second!, '00:00'),
      tick(third!, '00:00'),
      tick(ids.limited!, '00:05'),
      tick(ids.quarter!, '00:15'),
      tick(ids.quarter!, '00:30'),
      tick(ids.quarter!, '00:45'),
      tick(firstOfTwo!, '01:00'),
      tick(secondOfTwo!, '01:00'),
      tick(ids.quarter!, '01:15'),
    ]);
  });
});
