import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';

const backends = await testAppBackends();
const definition = { name: 'contended', jarURL: '/jars/job.jar', entryClass: 'com.example.Main' };

describe.each(backends)('parallel PUT /api/v1/jobs/:id on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
  });

  async function createJob(): Promise<{ id: string }> {
    const response = await api.request('/api/v1/jobs', { method: 'POST', json: { ...definition, name: `contended-${++counter}` } });
    expect(response.status).toBe(201);
    return response.json();
  }

  it('without If-Match: every writer gets 200, each write is one version, the last writer wins', async () => {
    const job = await createJob();
    const name = `contended-${counter}`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: { ...definition, name, description: `writer ${i}` } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const written = await Promise.all(responses.map((response) => response.json()));
    const versions = written.map((job) => job.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const stored = await (await api.request(`/api/v1/jobs/${job.id}`)).json();
    expect(stored.version).toBe(21);
    expect(stored.description).toBe(written.find((job) => job.version === 21).description);
  });

  it('with If-Match: exactly one of the writers naming the current version wins, the others get 412', async () => {
    const job = await createJob();
    const name = `contended-${counter}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.request(`/api/v1/jobs/${job.id}`, {
          method: 'PUT',
          json: { ...definition, name, description: `writer ${i}` },
          headers: { 'If-Match': '"1"' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(412)]);
    for (const response of responses.filter((r) => r.status === 412)) {
      await expectProblem(response, 412, 'JOB_VERSION_MISMATCH');
    }
    expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).version).toBe(2);
  });
});
