import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, startTestApp, type TestApp } from '../support/http-app.js';

const validJob = {
  name: 'word-count',
  jarURL: 'http://data-processor:8080/jars/word-count.jar',
  entryClass: 'com.example.WordCount',
};

let api: TestApp;

beforeAll(async () => {
  api = await startTestApp();
});
afterAll(async () => {
  await api.close();
});
beforeEach(async () => {
  // Each test starts from an empty job list.
  let page = await (await api.request('/api/v1/jobs?limit=200')).json();
  while (page.jobs.length > 0) {
    for (const job of page.jobs) await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
    page = await (await api.request('/api/v1/jobs?limit=200')).json();
  }
});

async function create(body: Record<string, unknown>) {
  const response = await api.request('/api/v1/jobs', { method: 'POST', json: body });
  expect(response.status).toBe(201);
  return response.json();
}


describe('POST /api/v1/jobs', () => {
  it('creates a job: 201, Location, ETag, server-set fields and defaults', async () => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { ...validJob, config: { source: 'socket', sink: 'postgres' } },
    });
    expect(response.status).toBe(201);
    const job = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/jobs/${job.id}`);
    expect(response.headers.get('ETag')).toBe('"1"');
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...validJob,
      description: null,
      config: { source: 'socket', sink: 'postgres' },
      args: [],
      parallelism: null,
      flinkConfiguration: {},
      jarSha256: null,
      timeoutSeconds: null,
      labels: {},
      retryPolicy: { maxAttempts: 1, backoffSeconds: 30, backoffMultiplier: 2, maxBackoffSeconds: 3600 },
      restore: null,
      allowNonRestoredState: false,
      claimMode: 'NO_CLAIM',
      savepointPolicy: null,
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: job.createdAt,
      lastExecution: null,
      schedule: null,
    });
  });

  it('accepts every optional field, a relative jarURL, and normalizes the checksum to lower case', async () => {
    const job = await create({
      ...validJob,
      jarURL: '/jars/word-count.jar',
      description: 'Counts words',
      args: ['--verbose'],
      parallelism: 4,
      flinkConfiguration: { 'state.savepoints.dir': 'file:///savepoints' },
      jarSha256: 'ABCDEF'.padEnd(64, '0'),
      timeoutSeconds: 600,
      labels: { team: 'data', 'app.kubernetes.io/name': 'wc' },
    });
    expect(job).toMatchObject({ jarURL: '/jars/word-count.jar', parallelism: 4, jarSha256: 'abcdef'.padEnd(64, '0') });
  });

  it.each([
    ['name missing', { name: undefined }, 'name'],
    ['name with a space', { name: 'word count' }, 'name'],
    ['name too long', { name: 'x'.repeat(129) }, 'name'],
    ['jarURL missing', { jarURL: undefined }, 'jarURL'],
    ['jarURL with ftp', { jarURL: 'ftp://host/x.jar' }, 'jarURL'],
    ['jarURL relative without /', { jarURL: 'jars/x.jar' }, 'jarURL'],
    ['jarURL protocol-relative', { jarURL: '//evil/x.jar' }, 'jarURL'],
    ['entryClass missing', { entryClass: undefined }, 'entryClass'],
    ['entryClass not a class', { entryClass: 'com..Main' }, 'entryClass'],
    ['description too long', { description: 'x'.repeat(2001) }, 'description'],
    ['config value an object', { config: { a: { b: 1 } } }, 'config.a'],
    ['config key starting with -', { config: { '-x': 1 } }, 'config.-x'],
    ['args not strings', { args: ['a', 1] }, 'args[1]'],
    ['parallelism 0', { parallelism: 0 }, 'parallelism'],
    ['parallelism 10001', { parallelism: 10001 }, 'parallelism'],
    ['parallelism fractional', { parallelism: 1.5 }, 'parallelism'],
    ['flinkConfiguration number value', { flinkConfiguration: { a: 1 } }, 'flinkConfiguration.a'],
    ['jarSha256 too short', { jarSha256: 'abc' }, 'jarSha256'],
    ['timeoutSeconds 0', { timeoutSeconds: 0 }, 'timeoutSeconds'],
    ['retryPolicy.maxAttempts 0', { retryPolicy: { maxAttempts: 0 } }, 'retryPolicy.maxAttempts'],
    ['retryPolicy.maxAttempts 11', { retryPolicy: { maxAttempts: 11 } }, 'retryPolicy.maxAttempts'],
    ['retryPolicy.backoffSeconds negative', { retryPolicy: { backoffSeconds: -1 } }, 'retryPolicy.backoffSeconds'],
    ['retryPolicy.backoffMultiplier under 1', { retryPolicy: { backoffMultiplier: 0.5 } }, 'retryPolicy.backoffMultiplier'],
    ['retryPolicy.maxBackoffSeconds negative', { retryPolicy: { maxBackoffSeconds: -3 } }, 'retryPolicy.maxBackoffSeconds'],
    ['retryPolicy unknown field', { retryPolicy: { attempts: 3 } }, 'retryPolicy.attempts'],
    ['label key of 64 characters', { labels: { ['k'.repeat(64)]: 'v' } }, `labels.${'k'.repeat(64)}`],
    ['unknown field entry_class', { entry_class: 'x' }, 'entry_class'],
    ['server-set field id', { id: '00000000-0000-4000-8000-000000000001' }, 'id'],
  ])('rejects %s with 400 naming the field', async (_, change, path) => {
    const response = await api.request('/api/v1/jobs', { method: 'POST', json: { ...validJob, ...change } });
    const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await (await api.request('/api/v1/jobs')).json()).jobs).toEqual([]);
  });

  it('stores a retry policy, filling in what it leaves out, and gives it back on GET', async () => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { ...validJob, name: 'with-retries', retryPolicy: { maxAttempts: 3, backoffSeconds: 5 } },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    const expected = { maxAttempts: 3, backoffSeconds: 5, backoffMultiplier: 2, maxBackoffSeconds: 3600 };
    expect(created.retryPolicy).toEqual(expected);
    expect((await (await api.request(`/api/v1/jobs/${created.id}`)).json()).retryPolicy).toEqual(expected);
  });

  it('answers the maps of a job with their keys in the same (sorted) order on POST, GET, list and PUT', async () => {
    const maps = { config: { zeta: 1, b: 'x', aa: true }, flinkConfiguration: { 'z.k': 'v', a: 'v' }, labels: { team: 'a', env: 'b' } };
    const keysOf = (job: Record<string, Record<string, unknown>>) => ({
      config: Object.keys(job.config!),
      flinkConfiguration: Object.keys(job.flinkConfiguration!),
      labels: Object.keys(job.labels!),
    });
    const sorted = { config: ['aa', 'b', 'zeta'], flinkConfiguration: ['a', 'z.k'], labels: ['env', 'team'] };
    const created = await create({ ...validJob, ...maps });
    expect(keysOf(created)).toEqual(sorted);
    expect(keysOf(await (await api.request(`/api/v1/jobs/${created.id}`)).json())).toEqual(sorted);
    expect(keysOf((await (await api.request('/api/v1/jobs')).json()).jobs[0])).toEqual(sorted);
    const replaced = await api.request(`/api/v1/jobs/${created.id}`, { method: 'PUT', json: { ...validJob, ...maps } });
    expect(keysOf(await replaced.json())).toEqual(sorted);
  });

  it('suggests the field a snake_case typo meant', async () => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { name: 'x', jarURL: '/x.jar', entry_class: 'com.A' },
    });
    const problem = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'entry_class', message: "unknown field; did you mean 'entryClass'?" },
        { path: 'entryClass', message: 'required' },
      ]),
    );
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"job"'],
    ['null', 'null'],
  ])('rejects %s as the body with 400', async (_, body) => {
    const response = await api.request('/api/v1/jobs', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    await expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await api.request('/api/v1/jobs', { method: 'POST', body: '{"name": ', headers: { 'Content-Type': 'application/json' } });
    await expectProblem(response, 400, 'MALFORMED_JSON');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], [undefined]])(
    'rejects content type %s with 415',
    async (contentType) => {
      const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
      const response = await api.request('/api/v1/jobs', { method: 'POST', body: JSON.stringify(validJob), headers });
      await expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('accepts application/json with a charset', async () => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify(validJob),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
  });

  it('rejects a body above 1 MiB with 413, and stores nothing', async () => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { ...validJob, description: 'x'.repeat(1024 * 1024) },
    });
    await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect((await (await api.request('/api/v1/jobs')).json()).jobs).toEqual([]);
  });

  it('answers 409 JOB_NAME_TAKEN for a duplicate name', async () => {
    await create(validJob);
    const problem = await expectProblem(
      await api.request('/api/v1/jobs', { method: 'POST', json: validJob }),
      409,
      'JOB_NAME_TAKEN',
    );
    expect(problem.detail).toContain("'word-count'");
  });

  it('lets exactly one of concurrent creates with the same name succeed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => api.request('/api/v1/jobs', { method: 'POST', json: validJob })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });
});

describe('GET /api/v1/jobs', () => {
  it('lists by name then id, pages with an opaque token, and ends with null', async () => {
    for (const name of ['e', 'b', 'd', 'a', 'c']) await create({ ...validJob, name });
    const names: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query: string = token ? `limit=2&continuationToken=${encodeURIComponent(token)}` : 'limit=2';
      const page = await (await api.request(`/api/v1/jobs?${query}`)).json();
      names.push(...page.jobs.map((job: { name: string }) => job.name));
      token = page.nextContinuationToken;
      pages++;
    } while (token);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
  });

  it('keeps paging stable while jobs are created between pages', async () => {
    for (const name of ['b', 'd', 'f']) await create({ ...validJob, name });
    const first = await (await api.request('/api/v1/jobs?limit=2')).json();
    await create({ ...validJob, name: 'a' });
    await create({ ...validJob, name: 'e' });
    const second = await (
      await api.request(`/api/v1/jobs?limit=2&continuationToken=${first.nextContinuationToken}`)
    ).json();
    expect(second.jobs.map((job: { name: string }) => job.name)).toEqual(['e', 'f']);
  });

  it('defaults to 50 jobs a page', async () => {
    for (let i = 0; i < 51; i++) await create({ ...validJob, name: `job-${String(i).padStart(2, '0')}` });
    const page = await (await api.request('/api/v1/jobs')).json();
    expect(page.jobs).toHaveLength(50);
    expect(page.nextContinuationToken).toEqual(expect.any(String));
  });

  it('filters by repeated label=key:value (all must match) and namePrefix', async () => {
    await create({ ...validJob, name: 'etl-a', labels: { team: 'data', tier: 'gold' } });
    await create({ ...validJob, name: 'etl-b', labels: { team: 'data' } });
    await create({ ...validJob, name: 'bi-a', labels: { team: 'bi', tier: 'gold' } });
    const names = async (query: string) =>
      (await (await api.request(`/api/v1/jobs?${query}`)).json()).jobs.map((job: { name: string }) => job.name);
    expect(await names('label=team:data')).toEqual(['etl-a', 'etl-b']);
    expect(await names('label=team:data&label=tier:gold')).toEqual(['etl-a']);
    expect(await names('namePrefix=bi')).toEqual(['bi-a']);
    expect(await names('label=team:data&namePrefix=etl-b')).toEqual(['etl-b']);
    expect(await names('label=url:http://x')).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['label=novalue', 'label[0]'],
    ['lmit=5', 'lmit'],
  ])('rejects %s with 400 naming %s', async (query, path) => {
    const problem = await expectProblem(await api.request(`/api/v1/jobs?${query}`), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('rejects a tampered continuation token, and one reused with other filters', async () => {
    for (const name of ['a', 'b', 'c']) await create({ ...validJob, name });
    const { nextContinuationToken: token } = await (await api.request('/api/v1/jobs?limit=1')).json();
    const tampered = token.slice(0, 5) + (token[5] === 'x' ? 'y' : 'x') + token.slice(6);
    await expectProblem(
      await api.request(`/api/v1/jobs?limit=1&continuationToken=${tampered}`),
      400,
      'INVALID_CONTINUATION_TOKEN',
    );
    await expectProblem(
      await api.request(`/api/v1/jobs?limit=1&namePrefix=a&continuationToken=${token}`),
      400,
      'INVALID_CONTINUATION_TOKEN',
    );
  });
});

describe('GET, PUT, DELETE /api/v1/jobs/:id', () => {
  it('reads a job with its ETag', async () => {
    const job = await create(validJob);
    const response = await api.request(`/api/v1/jobs/${job.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"1"');
    expect(await response.json()).toEqual(job);
  });

  it.each(['00000000-0000-4000-8000-000000000099', 'not-a-uuid', "1' or '1'='1"])(
    'answers 404 JOB_NOT_FOUND for %s on GET, PUT and DELETE',
    async (id) => {
      const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
      await expectProblem(await api.request(path), 404, 'JOB_NOT_FOUND');
      await expectProblem(await api.request(path, { method: 'PUT', json: validJob }), 404, 'JOB_NOT_FOUND');
      await expectProblem(await api.request(path, { method: 'DELETE' }), 404, 'JOB_NOT_FOUND');
    },
  );

  it('replaces a job: 200, version + 1, omitted optional fields cleared', async () => {
    const job = await create({ ...validJob, description: 'old', parallelism: 2 });
    const response = await api.request(`/api/v1/jobs/${job.id}`, {
      method: 'PUT',
      json: { ...validJob, entryClass: 'com.example.Other' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"2"');
    const replaced = await response.json();
    expect(replaced).toMatchObject({ id: job.id, version: 2, entryClass: 'com.example.Other', description: null, parallelism: null, createdAt: job.createdAt });
    expect(await (await api.request(`/api/v1/jobs/${job.id}`)).json()).toEqual(replaced);
  });

  it('accepts a document read with GET, edited, and sent back without its server-set fields', async () => {
    const job = await create({ ...validJob, description: null });
    const { id, version, createdAt, updatedAt, lastExecution, schedule, ...definition } = job;
    const response = await api.request(`/api/v1/jobs/${id}`, { method: 'PUT', json: { ...definition, parallelism: 3 } });
    expect(response.status).toBe(200);
  });

  it('validates a replacement like a create and leaves the stored job untouched', async () => {
    const job = await create(validJob);
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: { ...validJob, parallelism: -1 } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(await (await api.request(`/api/v1/jobs/${job.id}`)).json()).toEqual(job);
  });

  it('answers 409 when the new name belongs to another job', async () => {
    await create({ ...validJob, name: 'taken' });
    const job = await create(validJob);
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: { ...validJob, name: 'taken' } }),
      409,
      'JOB_NAME_TAKEN',
    );
  });

  it('honours If-Match: the current version replaces, a stale one is 412, a malformed one 400', async () => {
    const job = await create(validJob);
    const put = (ifMatch: string) =>
      api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: validJob, headers: { 'If-Match': ifMatch } });
    expect((await put('"1"')).status).toBe(200);
    await expectProblem(await put('"1"'), 412, 'JOB_VERSION_MISMATCH');
    await expectProblem(await put('version-2'), 400, 'INVALID_IF_MATCH');
    expect((await put('*')).status).toBe(200);
  });

  it('deletes a job: 204, then 404 on read and delete, and the name can be reused', async () => {
    const job = await create(validJob);
    const response = await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}`), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' }), 404, 'JOB_NOT_FOUND');
    await create(validJob);
  });
});

describe('cross-cutting behaviour', () => {
  it('answers unknown routes with a 404 problem', async () => {
    await expectProblem(await api.request('/api/v1/nothing'), 404, 'ROUTE_NOT_FOUND');
  });

  it('echoes X-Request-Id, generates one when absent, and tags the log line of the request with it', async () => {
    const given = await api.request('/livez', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(given.headers.get('X-Request-Id')).toBe('trace-123');
    expect(api.logLines).toContainEqual(expect.objectContaining({ requestId: 'trace-123', path: '/livez', status: 200 }));
    const generated = await api.request('/livez');
    expect(generated.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await api.request('/livez', { headers: { 'X-Request-Id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the request id on error responses too', async () => {
    const response = await api.request('/api/v1/jobs/x', { headers: { 'X-Request-Id': 'err-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('X-Request-Id')).toBe('err-1');
  });

  it('serves the OpenAPI document with the job routes', async () => {
    const document = await (await api.request('/openapi.json')).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/jobs', '/api/v1/jobs/{id}', '/health']));
  });
});

describe('health and probes', () => {
  it('reports the database, Flink and the package version; Flink down makes it degraded', async () => {
    const body = await (await api.request('/health')).json();
    expect(body).toEqual({
      status: 'degraded',
      database: 'ok',
      flink: { reachable: false, version: null, slotsAvailable: null },
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('is live and ready while the database answers', async () => {
    expect((await api.request('/livez')).status).toBe(200);
    expect((await api.request('/readyz')).status).toBe(200);
  });
});

describe('when the database is gone', () => {
  it('stays live, turns unready and degraded, and answers requests with 503 problems, never 500', async () => {
    const broken = await startTestApp();
    await broken.close();
    expect((await broken.request('/livez')).status).toBe(200);
    expect((await broken.request('/readyz')).status).toBe(503);
    expect(await (await broken.request('/health')).json()).toMatchObject({ status: 'degraded', database: 'error' });
    const response = await broken.request('/api/v1/jobs');
    expect(response.status).toBe(503);
  });
});
