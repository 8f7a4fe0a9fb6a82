import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { expectProblem, startTestApp, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

/** What the HTTP layer refuses before any handler runs: other methods, sloppy numbers, bodies nobody asked for. */
let api: TestApp;
let counter = 0;

beforeAll(async () => {
  api = await startTestApp(loadConfig({ JAR_ALLOWED_HOSTS: '127.0.0.1:1', FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9' }));
});
afterAll(async () => {
  await api.close();
});

async function createJob(): Promise<{ id: string }> {
  // Nothing listens on port 1: a run of this job fails at once.
  const body = { name: `strict-${++counter}`, jarURL: 'http://127.0.0.1:1/jars/job.jar', entryClass: 'com.example.Main' };
  const response = await api.request('/api/v1/jobs', { method: 'POST', json: body });
  expect(response.status).toBe(201);
  return response.json();
}

const allowed = (response: Response) => (response.headers.get('Allow') ?? '').split(/,\s*/).sort();

describe('a method the path does not have', () => {
  const id = '00000000-0000-4000-8000-000000000001';
  it.each([
    ['PATCH', `/api/v1/jobs/${id}`, ['DELETE', 'GET', 'HEAD', 'PUT']],
    ['DELETE', '/api/v1/jobs', ['GET', 'HEAD', 'POST']],
    ['PUT', `/api/v1/jobs/${id}/schedule`, ['DELETE', 'GET', 'HEAD', 'POST']],
    ['GET', `/api/v1/jobs/${id}/start`, ['POST']],
    ['DELETE', `/api/v1/executions/${id}`, ['GET', 'HEAD']],
    ['OPTIONS', `/api/v1/executions/${id}/retry`, ['POST']],
    ['POST', '/health', ['GET', 'HEAD']],
  ])('%s %s: 405 with Allow: %s', async (method, path, methods) => {
    const response = await api.request(path, { method });
    const problem = await expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(allowed(response)).toEqual(methods);
    expect(problem.detail).toContain(method);
  });

  it('leaves an unknown path a 404', async () => {
    for (const path of ['/api/v1/nothing', `/api/v1/jobs/${id}/nothing`, '/api/v1/jobs/a/b/c']) {
      const response = await api.request(path, { method: 'PATCH' });
      await expectProblem(response, 404, 'ROUTE_NOT_FOUND');
      expect(response.headers.get('Allow')).toBeNull();
    }
  });

  it('answers HEAD where GET is allowed', async () => {
    expect((await api.request('/api/v1/jobs', { method: 'HEAD' })).status).toBe(200);
  });
});

describe('limit', () => {
  it.each(['0x10', '%205', '5%20', '1e1', '+5', '5.0', '', '-0', '%EF%BC%95'])('refuses limit=%s with 400: only decimal digits', async (limit) => {
    const job = await createJob();
    for (const path of ['/api/v1/jobs', `/api/v1/jobs/${job.id}/executions`]) {
      const problem = await expectProblem(await api.request(`${path}?limit=${limit}`), 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([{ path: 'limit', message: 'must be an integer from 1 to 200, in decimal digits' }]);
    }
  });

  it('takes plain decimal digits, leading zeros included', async () => {
    while (counter < 6) await createJob();
    const size = async (limit: string) => (await (await api.request(`/api/v1/jobs?limit=${limit}`)).json()).jobs.length;
    expect(await size('1')).toBe(1);
    expect(await size('05')).toBe(5);
    expect(await size('200')).toBe(counter);
  });

  it('is still an integer from 1 to 200 in the OpenAPI document', async () => {
    const document = await (await api.request('/openapi.json')).json();
    for (const path of ['/api/v1/jobs', '/api/v1/jobs/{id}/executions', '/api/v1/executions']) {
      const limit = document.paths[path].get.parameters.find((p: { name: string }) => p.name === 'limit');
      expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    }
  });
});

describe('bodies of the actions that take none', () => {
  const garbage: [string, RequestInit][] = [
    ['an unknown field', { body: '{"force": true}', headers: { 'Content-Type': 'application/json' } }],
    ['malformed JSON', { body: 'please', headers: { 'Content-Type': 'application/json' } }],
    ['a JSON array', { body: '[]', headers: { 'Content-Type': 'application/json' } }],
    ['a JSON string', { body: '"go"', headers: { 'Content-Type': 'application/json' } }],
  ];

  it.each(garbage)('resume with %s: 400, the schedule stays paused', async (_, init) => {
    const job = await createJob();
    await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 * * * *', paused: true } });
    const response = await api.request(`/api/v1/jobs/${job.id}/schedule/resume`, { method: 'POST', ...init });
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect((await (await api.request(`/api/v1/jobs/${job.id}/schedule`)).json()).paused).toBe(true);
  });

  it.each(garbage)('retry with %s: 400, no new run', async (_, init) => {
    const job = await createJob();
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    await waitFor(async () => (await api.request(`/api/v1/executions/${started.id}`)).json(), (e) => e.status === 'FAILED');
    const response = await api.request(`/api/v1/executions/${started.id}/retry`, { method: 'POST', ...init });
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json()).executions).toHaveLength(1);
  });

  it.each([
    ['no body', {}],
    ['an empty body', { body: '', headers: { 'Content-Type': 'application/json' } }],
    ['{}', { body: '{}', headers: { 'Content-Type': 'application/json' } }],
  ])('resume and retry with %s still work', async (_, init: RequestInit) => {
    const job = await createJob();
    await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 * * * *', paused: true } });
    const resumed = await api.request(`/api/v1/jobs/${job.id}/schedule/resume`, { method: 'POST', ...init });
    expect(resumed.status).toBe(200);
    expect((await resumed.json()).paused).toBe(false);
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    await waitFor(async () => (await api.request(`/api/v1/executions/${started.id}`)).json(), (e) => e.status === 'FAILED');
    expect((await api.request(`/api/v1/executions/${started.id}/retry`, { method: 'POST', ...init })).status).toBe(202);
  });
});
