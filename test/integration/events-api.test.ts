import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();

describe.each(backends)('GET /api/v1/events on $name', (backend) => {
  let api: TestApp;
  const jobIds: string[] = [];

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start();
    for (const name of ['events-a', 'events-b', 'events-c']) {
      const response = await api.request('/api/v1/jobs', {
        method: 'POST',
        json: { name, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' },
      });
      jobIds.push((await response.json()).id);
    }
    const [a, b, c] = jobIds as [string, string, string];
    await api.request(`/api/v1/jobs/${a}`, { method: 'PUT', json: { name: 'events-a', jarURL: '/jars/v2.jar', entryClass: 'com.example.Main' } });
    await api.request(`/api/v1/jobs/${b}/schedule`, { method: 'POST', json: { cron: '0 0 * * * *' } });
    await api.request(`/api/v1/jobs/${b}/schedule/pause`, { method: 'POST', json: { note: 'migration' } });
    await api.request(`/api/v1/jobs/${b}/schedule/resume`, { method: 'POST' });
    await api.request(`/api/v1/jobs/${c}`, { method: 'DELETE' });
    // An event is listed once every transaction that began before its own has ended: on a shared PostgreSQL server
    // another database's transaction (an autovacuum) may hold them back a moment.
    await waitFor(() => list('?limit=200'), (page) => page.events.length === 7, 10_000, 'the seven events');
  });
  afterAll(async () => {
    await api?.close();
  });

  const list = async (query: string) => {
    const response = await api.request(`/api/v1/events${query}`);
    expect(response.status).toBe(200);
    return response.json();
  };

  it.skipIf(backend.skipReason)('lists the events oldest first as CloudEvents 1.0', async () => {
    const page = await list('?limit=200');
    expect(page.events.map((event: { type: string; subject: string }) => [event.type, jobIds.indexOf(event.subject)])).toEqual([
      ['job.created', 0],
      ['job.created', 1],
      ['job.created', 2],
      ['job.replaced', 0],
      ['schedule.paused', 1],
      ['schedule.resumed', 1],
      ['job.deleted', 2],
    ]);
    expect(page.events[3]).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'job.replaced',
      source: '/flink-job-scheduler',
      subject: jobIds[0],
      time: expect.stringMatching(/Z$/),
      datacontenttype: 'application/json',
      sequence: expect.stringMatching(/^[0-9]+$/),
      data: expect.objectContaining({ id: jobIds[0], jarURL: '/jars/v2.jar', version: 2 }),
    });
    expect(page.nextAfter).toBe(page.events[6].sequence);
  });

  it.skipIf(backend.skipReason)('pages with after, by sequence or by id, with no gap and no repeat', async () => {
    const all = (await list('?limit=200')).events.map((event: { id: string }) => event.id);
    for (const by of ['sequence', 'id'] as const) {
      const seen: string[] = [];
      let after = '';
      for (let pages = 0; pages < 10; pages++) {
        const page = await list(`?limit=2${after ? `&after=${after}` : ''}`);
        if (page.events.length === 0) break;
        seen.push(...page.events.map((event: { id: string }) => event.id));
        const last = page.events[page.events.length - 1];
        after = last[by];
      }
      expect(seen).toEqual(all);
    }
    const end = await list(`?after=${(await list('?limit=200')).nextAfter}`);
    expect(end.events).toEqual([]);
  });

  it.skipIf(backend.skipReason)('filters by type and by job', async () => {
    const created = await list('?type=job.created');
    expect(created.events.map((event: { subject: string }) => event.subject)).toEqual(jobIds);
    const ofB = await list(`?jobId=${jobIds[1]}`);
    expect(ofB.events.map((event: { type: string }) => event.type)).toEqual(['job.created', 'schedule.paused', 'schedule.resumed']);
    const both = await list(`?jobId=${jobIds[1]}&type=schedule.paused`);
    expect(both.events).toHaveLength(1);
    expect(both.events[0].data).toMatchObject({ jobId: jobIds[1], paused: true, pauseNote: 'migration' });
  });

  it.skipIf(backend.skipReason)('carries a run as GET /executions shows it', async () => {
    const started = await api.request(`/api/v1/jobs/${jobIds[1]}/start`, { method: 'POST' });
    const execution = await started.json();
    const queued = await waitFor(() => list(`?type=run.queued&jobId=${jobIds[1]}`), (page) => page.events.length > 0, 10_000);
    // All but the link to Flink's web UI: a setting of the service that may change, while an event is kept as written.
    const { flinkWebUrl: _link, ...shown } = execution;
    expect(queued.events.map((event: { data: unknown }) => event.data)).toEqual([shown]);
  });

  it.skipIf(backend.skipReason)('answers bad filters with 400', async () => {
    for (const query of ['?type=run.exploded', '?jobId=42', '?after=abc', '?after=-1', '?limit=0', '?limit=201', '?colour=red']) {
      await expectProblem(await api.request(`/api/v1/events${query}`), 400, 'VALIDATION_FAILED');
    }
    const unknown = await expectProblem(await api.request('/api/v1/events?after=99999999'), 400, 'VALIDATION_FAILED');
    // Past bigint's range: names no event either, rather than failing the comparison.
    await expectProblem(await api.request('/api/v1/events?after=9999999999999999999'), 400, 'VALIDATION_FAILED');
    expect(unknown.detail).toMatch(/no stored event/);
    await expectProblem(await api.request(`/api/v1/events?after=${jobIds[0]}`), 400, 'VALIDATION_FAILED');
  });
});
