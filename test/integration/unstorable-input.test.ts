import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';

/**
 * Valid JSON and query strings that PostgreSQL cannot store (NUL, lone surrogates, year 0) or that would be lost on
 * the way in (`__proto__` keys): each is a 400 naming the field, on both databases, and nothing is stored.
 */
const backends = await testAppBackends();

const validJob = { name: 'hostile', jarURL: '/jars/job.jar', entryClass: 'com.example.Main' };
/** Each bad character, and how a field error names a key that holds it. */
const BAD_TEXT = [
  ['NUL', '\u0000', '\\u0000'],
  ['a lone surrogate', '\ud800', '\\ud800'],
] as const;

const jobFields = (c: string, shown: string): [string, Record<string, unknown>, string][] => [
  ['description', { description: `a${c}b` }, 'description'],
  ['a config value', { config: { key: `v${c}` } }, 'config.key'],
  ['a config key', { config: { [`k${c}`]: 'v' } }, `config.k${shown}`],
  ['an argument', { args: ['ok', `a${c}`] }, 'args[1]'],
  ['a label key', { labels: { [`k${c}`]: 'v' } }, `labels.k${shown}`],
  ['a label value', { labels: { team: `d${c}` } }, 'labels.team'],
  ['a flinkConfiguration key', { flinkConfiguration: { [`a${c}`]: 'v' } }, `flinkConfiguration.a${shown}`],
  ['a flinkConfiguration value', { flinkConfiguration: { a: `v${c}` } }, 'flinkConfiguration.a'],
  ['the jarURL path', { jarURL: `/jars/a${c}.jar` }, 'jarURL'],
  ['the name', { name: `n${c}` }, 'name'],
];

/** A page token as the service signed them before it had a key: anyone could make one. */
function unkeyedToken(position: unknown, filters: unknown): string {
  const payload = Buffer.from(JSON.stringify({ p: position, f: filters })).toString('base64url');
  return `${payload}.${createHash('sha256').update(`continuation:${payload}`).digest('base64url').slice(0, 16)}`;
}

describe.each(backends)('input PostgreSQL cannot store, on $name', (backend) => {
  let api: TestApp;
  let job: { id: string; version: number };

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    const created = await api.request('/api/v1/jobs', { method: 'POST', json: validJob });
    job = await created.json();
    await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 * * * *' } });
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
  });

  const paths = (problem: { errors: { path: string }[] }) => problem.errors.map((error) => error.path);
  const jobList = async () => (await (await api.request('/api/v1/jobs')).json()).jobs.map((j: { id: string }) => j.id);

  describe.each(BAD_TEXT)('%s', (_, c, shown) => {
    it.each(jobFields(c, shown))('in %s of a create or replace: 400 naming the field, nothing stored', async (_, change, path) => {
      const body = { ...validJob, name: 'other', ...change };
      const created = await expectProblem(await api.request('/api/v1/jobs', { method: 'POST', json: body }), 400, 'VALIDATION_FAILED');
      expect(paths(created)).toContain(path);
      expect(await jobList()).toEqual([job.id]);
      const replaced = await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: body });
      expect(paths(await expectProblem(replaced, 400, 'VALIDATION_FAILED'))).toContain(path);
      expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).version).toBe(1);
    });

    it.each([
      ['schedule', 'cron', { cron: `0 0 * * * *${c}` }],
      ['schedule', 'timezone', { cron: '0 0 * * * *', timezone: `UTC${c}` }],
      ['schedule/pause', 'note', { note: `why${c}` }],
      ['start', 'savepointPath', { savepointPath: `file:///sp${c}` }],
    ])('in the body of POST .../%s: 400 naming %s, nothing changed', async (action, path, body) => {
      const response = await api.request(`/api/v1/jobs/${job.id}/${action}`, { method: 'POST', json: body });
      expect(paths(await expectProblem(response, 400, 'VALIDATION_FAILED'))).toContain(path);
      const schedule = await (await api.request(`/api/v1/jobs/${job.id}/schedule`)).json();
      expect(schedule).toMatchObject({ cron: '0 0 * * * *', paused: false, version: 1 });
      expect((await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json()).executions).toEqual([]);
    });
  });

  it.each([
    ['namePrefix=a%00b', 'namePrefix'],
    ['label=team:d%00', 'label'],
    ['label=ok:1&label=team:d%00', 'label'],
    ['label=t%00:x', 'label'],
    ['continuationToken=%00', 'continuationToken'],
  ])('NUL in the query %s: 400 naming %s', async (query, path) => {
    const problem = await expectProblem(await api.request(`/api/v1/jobs?${query}`), 400, 'VALIDATION_FAILED');
    expect(paths(problem)[0]).toMatch(new RegExp(`^${path}`));
  });

  it('NUL in the query of an execution list: 400', async () => {
    const response = await api.request(`/api/v1/jobs/${job.id}/executions?status=FAILED%00`);
    await expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it.each([
    ['startAt in year 0', 'startAt', { startAt: '0000-01-01T00:00:00Z' }],
    ['endAt in year 0', 'endAt', { endAt: '0000-01-01T00:00:00Z' }],
    ['endAt past year 9999 in UTC', 'endAt', { endAt: '9999-12-31T23:00:00-05:00' }],
    ['startAt before 1970', 'startAt', { startAt: '1969-12-31T23:59:59Z' }],
  ])('a schedule with %s: 400 naming %s and the accepted range', async (_, path, dates) => {
    const response = await api.request(`/api/v1/jobs/${job.id}/schedule`, {
      method: 'POST',
      json: { cron: '0 0 * * * *', ...dates },
    });
    const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path, message: expect.stringContaining('1970-01-01T00:00:00Z') }]);
    expect((await (await api.request(`/api/v1/jobs/${job.id}/schedule`)).json()).version).toBe(1);
  });

  it('accepts the edges of the date range', async () => {
    const response = await api.request(`/api/v1/jobs/${job.id}/schedule`, {
      method: 'POST',
      json: { cron: '0 0 * * * *', startAt: '1970-01-01T00:00:00Z', endAt: '9999-12-31T23:59:59Z' },
    });
    expect(response.status).toBe(200);
    await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 * * * *' } });
  });

  it.each([
    ['a job list token naming a job with NUL', '/api/v1/jobs', { name: 'a\u0000', id: '00000000-0000-4000-8000-000000000001' }],
    ['an execution list token dated year 0', 'executions', { createdAt: '0000-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' }],
  ])('a forged page token (%s): 400 INVALID_CONTINUATION_TOKEN', async (_, list, position) => {
    const path = list === 'executions' ? `/api/v1/jobs/${job.id}/executions` : list;
    const filters = list === 'executions' ? { jobId: job.id, status: null } : { labels: [], namePrefix: null };
    const token = unkeyedToken(position, filters);
    await expectProblem(await api.request(`${path}?continuationToken=${token}`), 400, 'INVALID_CONTINUATION_TOKEN');
  });

  it.each(['config', 'labels', 'flinkConfiguration'])('a "__proto__" key in %s: 400 naming it, not dropped', async (field) => {
    const body = `{"name":"proto","jarURL":"/jars/job.jar","entryClass":"com.example.Main","${field}":{"__proto__":"x"}}`;
    const response = await api.request('/api/v1/jobs', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    expect(paths(await expectProblem(response, 400, 'VALIDATION_FAILED'))).toEqual([`${field}.__proto__`]);
    expect(await jobList()).toEqual([job.id]);
  });

  it('keeps "constructor" and "prototype" keys as sent', async () => {
    const keys = { constructor: 'a', prototype: 'b' };
    const body = { ...validJob, name: 'keys', config: keys, labels: keys, flinkConfiguration: keys };
    const created = await (await api.request('/api/v1/jobs', { method: 'POST', json: body })).json();
    const read = await (await api.request(`/api/v1/jobs/${created.id}`)).json();
    expect(read).toMatchObject({ config: keys, labels: keys, flinkConfiguration: keys });
    await api.request(`/api/v1/jobs/${created.id}`, { method: 'DELETE' });
  });
});
