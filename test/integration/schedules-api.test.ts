import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestApp, type TestApp } from '../support/http-app.js';

let api: TestApp;
let counter = 0;

beforeAll(async () => {
  api = await startTestApp();
});
afterAll(async () => {
  await api.close();
});

async function createJob(): Promise<{ id: string }> {
  const response = await api.request('/api/v1/jobs', {
    method: 'POST',
    json: { name: `scheduled-${++counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' },
  });
  expect(response.status).toBe(201);
  return response.json();
}

const setSchedule = (jobId: string, body: unknown) =>
  api.request(`/api/v1/jobs/${jobId}/schedule`, { method: 'POST', json: body });

describe('POST /api/v1/jobs/:id/schedule', () => {
  it('sets a six-field schedule with defaults and the next five fire times', async () => {
    const job = await createJob();
    const response = await setSchedule(job.id, { cron: '0 * * * * *' });
    expect(response.status).toBe(200);
    const schedule = await response.json();
    expect(schedule).toMatchObject({
      jobId: job.id,
      cron: '0 * * * * *',
      timezone: 'UTC',
      overlapPolicy: 'skip',
      catchupWindowSeconds: 60,
      jitterSeconds: 0,
      paused: false,
      ended: false,
      lastRunAt: null,
      counters: { runsStarted: 0, ticksSkipped: 0, ticksMissed: 0 },
      version: 1,
    });
    expect(schedule.nextRunTimes).toHaveLength(5);
    const times = schedule.nextRunTimes.map((time: string) => Date.parse(time));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(60_000);
    expect(schedule.nextRunTimes[0]).toMatch(/:00\.000Z$/);
  });

  it('takes five-field patterns and time zones, and replaces an existing schedule', async () => {
    const job = await createJob();
    await setSchedule(job.id, { cron: '0 * * * * *' });
    const response = await setSchedule(job.id, { cron: '30 9 * * *', timezone: 'Europe/Berlin', overlapPolicy: 'allow' });
    expect(response.status).toBe(200);
    const schedule = await response.json();
    expect(schedule).toMatchObject({ cron: '30 9 * * *', timezone: 'Europe/Berlin', overlapPolicy: 'allow', version: 2 });
    // 09:30 in Berlin is 07:30 or 08:30 UTC depending on the season.
    expect(schedule.nextRunTimes[0]).toMatch(/T0[78]:30:00\.000Z$/);
    const read = await (await api.request(`/api/v1/jobs/${job.id}`)).json();
    expect(read.schedule).toMatchObject({ cron: '30 9 * * *' });
  });

  it.each([
    ['an out-of-range second', { cron: '61 * * * * *' }, 'cron', 'value 61 is out of range for seconds (0-59)'],
    ['prose', { cron: 'every minute' }, 'cron', 'not a cron pattern'],
    ['a pattern that never fires', { cron: '0 0 30 2 *' }, 'cron', 'never fires'],
    ['an unknown time zone', { cron: '0 * * * * *', timezone: 'Mars/Base' }, 'timezone', "unknown time zone 'Mars/Base'"],
    ['endAt before startAt', { cron: '0 * * * * *', startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-01T00:00:00Z' }, 'endAt', 'must be after startAt'],
    ['a negative catch-up window', { cron: '0 * * * * *', catchupWindowSeconds: -5 }, 'catchupWindowSeconds', 'must be from'],
    ['a negative jitter', { cron: '0 * * * * *', jitterSeconds: -1 }, 'jitterSeconds', 'must be from'],
    ['a date that is not RFC 3339', { cron: '0 * * * * *', startAt: 'tomorrow' }, 'startAt', 'RFC 3339'],
    ['an unknown overlap policy', { cron: '0 * * * * *', overlapPolicy: 'queue' }, 'overlapPolicy', 'must be one of'],
    ['an unknown field', { cron: '0 * * * * *', time_zone: 'UTC' }, 'time_zone', "did you mean 'timezone'"],
    ['a missing cron', {}, 'cron', 'required'],
  ])('rejects %s with 400 naming the field and the reason', async (_, body, path, reason) => {
    const job = await createJob();
    const problem = await expectProblem(await setSchedule(job.id, body), 400, 'VALIDATION_FAILED');
    const error = problem.errors.find((e: { path: string }) => e.path === path);
    expect(error?.message).toContain(reason);
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/schedule`), 404, 'SCHEDULE_NOT_FOUND');
  });

  it('answers 404 for an unknown job and 415 for a body that is not JSON', async () => {
    await expectProblem(await setSchedule('00000000-0000-4000-8000-000000000000', { cron: '0 * * * * *' }), 404, 'JOB_NOT_FOUND');
    const job = await createJob();
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('says so when endAt has passed: ended, no next times', async () => {
    const job = await createJob();
    const schedule = await (await setSchedule(job.id, { cron: '0 * * * * *', endAt: '2020-01-01T00:00:00Z' })).json();
    expect(schedule).toMatchObject({ ended: true, nextRunTimes: [] });
  });
});

describe('GET, DELETE, pause and resume', () => {
  it('pauses with a note, resumes, reads and deletes a schedule', async () => {
    const job = await createJob();
    await setSchedule(job.id, { cron: '*/5 * * * * *' });
    const paused = await (
      await api.request(`/api/v1/jobs/${job.id}/schedule/pause`, { method: 'POST', json: { note: 'maintenance' } })
    ).json();
    expect(paused).toMatchObject({ paused: true, pauseNote: 'maintenance', nextRunTimes: [] });
    expect(await (await api.request(`/api/v1/jobs/${job.id}/schedule`)).json()).toMatchObject({ paused: true });

    const resumed = await (await api.request(`/api/v1/jobs/${job.id}/schedule/resume`, { method: 'POST' })).json();
    expect(resumed).toMatchObject({ paused: false, pauseNote: null });
    expect(resumed.nextRunTimes).toHaveLength(5);

    expect((await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'DELETE' }), 404, 'SCHEDULE_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/schedule/pause`, { method: 'POST' }), 404, 'SCHEDULE_NOT_FOUND');
    expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).schedule).toBeNull();
  });

  it('pauses with no body or a blank one, and checks a body that is there', async () => {
    const job = await createJob();
    await setSchedule(job.id, { cron: '0 * * * * *' });
    const pause = (init: RequestInit & { json?: unknown }) => api.request(`/api/v1/jobs/${job.id}/schedule/pause`, { method: 'POST', ...init });
    expect(await (await pause({})).json()).toMatchObject({ paused: true, pauseNote: null });
    expect(await (await pause({ body: ' ', headers: { 'Content-Type': 'application/json' } })).json()).toMatchObject({ paused: true, pauseNote: null });
    await expectProblem(await pause({ body: '{"note":"x"}', headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectProblem(await pause({ body: '{', headers: { 'Content-Type': 'application/json' } }), 400, 'MALFORMED_JSON');
    const problem = await expectProblem(await pause({ json: { NOTE: 'x' } }), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'NOTE', message: "unknown field; did you mean 'note'?" }]);
  });

  it('keeps the stored note on a second pause without a body; a note replaces it', async () => {
    const job = await createJob();
    await setSchedule(job.id, { cron: '0 * * * * *' });
    const pause = (init: RequestInit & { json?: unknown } = {}) =>
      api.request(`/api/v1/jobs/${job.id}/schedule/pause`, { method: 'POST', ...init });
    await pause({ json: { note: 'warehouse migration' } });
    expect(await (await pause()).json()).toMatchObject({ paused: true, pauseNote: 'warehouse migration' });
    expect(await (await pause({ json: {} })).json()).toMatchObject({ pauseNote: 'warehouse migration' });
    expect(await (await api.request(`/api/v1/jobs/${job.id}/schedule`)).json()).toMatchObject({ pauseNote: 'warehouse migration' });
    expect(await (await pause({ json: { note: 'cluster upgrade' } })).json()).toMatchObject({ pauseNote: 'cluster upgrade' });
  });

  it('removes the schedule with its job', async () => {
    const job = await createJob();
    await setSchedule(job.id, { cron: '0 * * * * *' });
    await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/schedule`), 404, 'JOB_NOT_FOUND');
  });
});
