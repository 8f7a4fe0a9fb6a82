import { and, eq, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfills } from '../../adapters/output/repository/backfill-tables.js';
import { auditEvents, jobExecutions } from '../../adapters/output/repository/schema.js';
import { databaseOf } from '../../infrastructure/container.js';
import type { SchedulerLoop } from '../../infrastructure/scheduler-loop.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { midnightDaysAgo } from '../support/instants.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();

const midnight = midnightDaysAgo;

describe.each(backends)('backfills through the API on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function scheduledJob(cron: string | null = '0 0 * * *'): Promise<string> {
    const created = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { name: `backfilled-${backend.name}-${++counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' },
    });
    const { id } = await created.json();
    if (cron) expect((await api.request(`/api/v1/jobs/${id}/schedule`, { method: 'POST', json: { cron } })).status).toBe(200);
    return id;
  }
  const backfill = (jobId: string, body: Record<string, unknown>) =>
    api.request(`/api/v1/jobs/${jobId}/backfills`, { method: 'POST', json: { reprocess: 'missing', maxActive: 2, ...body } });
  /**
   * The job's backfill events, once there are `count`: the list holds events back while any older transaction on the
   * database server is still open (other test files run beside this one).
   */
  const eventsOf = (jobId: string, count: number) =>
    waitFor(
      async () =>
        ((await (await api.request(`/api/v1/events?jobId=${jobId}&limit=100`)).json()).events as { type: string; data: { id: string; state: string } }[])
          .filter((event) => event.type.startsWith('backfill.'))
          .map((event) => [event.type, event.data.id, event.data.state]),
      (events) => events.length >= count,
    );
  const stored = async (jobId: string) => ({
    backfills: await databaseOf(api.container).db.select().from(backfills).where(eq(backfills.jobId, jobId)),
    runs: await databaseOf(api.container).db.select().from(jobExecutions).where(eq(jobExecutions.jobId, jobId)),
    audit: await databaseOf(api.container).db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceId, jobId), eq(auditEvents.action, 'backfill.create'), lt(auditEvents.outcome, 400))),
  });

  it.skipIf(backend.skipReason)('a dry run answers 200 with the ticks and stores nothing', async () => {
    const jobId = await scheduledJob();
    const response = await backfill(jobId, { from: midnight(6), to: midnight(1), dryRun: true });
    expect(response.status).toBe(200);
    const plan = await response.json();
    expect(plan).toMatchObject({ dryRun: true, tickCount: 5, backfill: null });
    expect(plan.ticks).toEqual([5, 4, 3, 2, 1].map(midnight).map((at) => new Date(at).toISOString()));
    expect(await stored(jobId)).toEqual({ backfills: [], runs: [], audit: [] });
    expect((await (await api.request(`/api/v1/jobs/${jobId}/backfills`)).json()).backfills).toEqual([]);
  });

  it.skipIf(backend.skipReason)('refuses bad input with problem+json and stable codes, storing nothing (but the refusals in the audit trail)', async () => {
    const jobId = await scheduledJob();
    const bad = [
      [{ from: 'yesterday', to: midnight(1) }, 'from'],
      [{ from: midnight(3), to: midnight(4) }, 'to'],
      [{ from: midnight(3), to: midnight(1), reprocess: 'some' }, 'reprocess'],
      [{ from: midnight(3), to: midnight(1), maxActive: 0 }, 'maxActive'],
      [{ from: midnight(3), to: midnight(1), maxActive: 11 }, 'maxActive'],
      [{ from: midnight(3), to: midnight(1), maxActive: 1.5 }, 'maxActive'],
    ] as const;
    for (const [body, field] of bad) {
      const problem = await expectProblem(await backfill(jobId, body), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((error: { path: string }) => error.path), JSON.stringify(body)).toContain(field);
    }
    const minutely = await scheduledJob('* * * * *');
    const tooLarge = await expectProblem(await backfill(minutely, { from: midnight(9), to: midnight(1) }), 400, 'BACKFILL_TOO_LARGE');
    expect(tooLarge.detail).toContain('11520 ticks');
    const unscheduled = await scheduledJob(null);
    await expectProblem(await backfill(unscheduled, { from: midnight(3), to: midnight(1) }), 409, 'BACKFILL_NEEDS_SCHEDULE');
    await expectProblem(await backfill('00000000-0000-4000-8000-00000000abcd', { from: midnight(3), to: midnight(1) }), 404, 'JOB_NOT_FOUND');
    for (const id of [jobId, minutely, unscheduled]) expect(await stored(id)).toEqual({ backfills: [], runs: [], audit: [] });
  });

  it.skipIf(backend.skipReason)('stores a backfill with its audit row; the scheduler loop runs each tick once, through the normal execution path', async () => {
    const jobId = await scheduledJob();
    const response = await backfill(jobId, { from: midnight(6), to: midnight(1) });
    expect(response.status).toBe(201);
    const plan = await response.json();
    expect(plan.backfill).toMatchObject({ jobId, state: 'running', reprocess: 'missing', maxActive: 2, progress: { ticks: 5, remaining: 5 } });
    expect((await stored(jobId)).audit).toHaveLength(1);

    const loop = api.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
    loop.start();
    try {
      const done = await waitFor(
        async () => (await api.request(`/api/v1/backfills/${plan.backfill.id}`)).json(),
        (read) => read.state === 'completed',
        30_000,
        'the backfill to complete',
      );
      // The JAR cannot be fetched here: every run fails at its download, after going through the launch.
      expect(done).toMatchObject({ progress: { ticks: 5, started: 5, finished: 5, remaining: 0 }, runs: { FAILED: 5 } });
    } finally {
      await loop.stop();
    }
    expect(await eventsOf(jobId, 2)).toEqual([
      ['backfill.created', plan.backfill.id, 'running'],
      ['backfill.completed', plan.backfill.id, 'completed'],
    ]);
    const runs = (await stored(jobId)).runs;
    expect(runs.map((run) => run.scheduledFor!.toISOString()).sort()).toEqual(plan.ticks);
    expect(runs.every((run) => run.trigger === 'backfill' && run.backfillId === plan.backfill.id && !run.exclusive)).toBe(true);
    expect(runs.every((run) => run.error?.code === 'JAR_DOWNLOAD_FAILED' || run.history.some((step) => step.status === 'DOWNLOADING'))).toBe(true);
    const listed = await (await api.request(`/api/v1/jobs/${jobId}/executions`)).json();
    expect(listed.executions.map((run: { trigger: string; backfillId: string }) => [run.trigger, run.backfillId])).toEqual(
      Array(5).fill(['backfill', plan.backfill.id]),
    );

    // `missing` counts any run but a SKIPPED one: nothing is left to run; `failed` runs all five again, as attempt 2.
    expect((await (await backfill(jobId, { from: midnight(6), to: midnight(1), dryRun: true })).json()).tickCount).toBe(0);
    const again = await (await backfill(jobId, { from: midnight(6), to: midnight(1), reprocess: 'failed', dryRun: true })).json();
    expect(again.tickCount).toBe(5);
  });

  it.skipIf(backend.skipReason)('cancels the backfills of a deleted job at their next claim, starting none of their ticks', async () => {
    const jobId = await scheduledJob();
    const { backfill: created } = await (await backfill(jobId, { from: midnight(4), to: midnight(1) })).json();
    expect((await api.request(`/api/v1/jobs/${jobId}`, { method: 'DELETE' })).status).toBe(204);
    const loop = api.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
    loop.start();
    try {
      await waitFor(
        async () => (await databaseOf(api.container).db.select().from(backfills).where(eq(backfills.id, created.id)))[0],
        (row) => row?.state === 'cancelled',
        30_000,
        "the deleted job's backfill to be cancelled",
      );
    } finally {
      await loop.stop();
    }
    expect((await stored(jobId)).runs).toEqual([]);
    expect(await eventsOf(jobId, 2)).toEqual([
      ['backfill.created', created.id, 'running'],
      ['backfill.cancelled', created.id, 'cancelled'],
    ]);
  });

  it.skipIf(backend.skipReason)('cancels a running backfill; lists, reads and refuses what cannot be done', async () => {
    const jobId = await scheduledJob();
    const { backfill: created } = await (await backfill(jobId, { from: midnight(4), to: midnight(1) })).json();
    const cancel = () => api.request(`/api/v1/backfills/${created.id}/cancel`, { method: 'POST' });
    const cancelled = await cancel();
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: created.id, state: 'cancelled', progress: { started: 0 } });
    expect((await (await cancel()).json()).state).toBe('cancelled');
    // A range holding no whole data interval: stored completed at once, with nothing to cancel.
    const hour = 3600_000;
    const range = { from: new Date(Date.parse(midnight(3)) + hour).toISOString(), to: new Date(Date.parse(midnight(1)) - hour).toISOString() };
    const nothing = await (await backfill(jobId, range)).json();
    expect(nothing).toMatchObject({ tickCount: 0, backfill: { state: 'completed' } });
    await expectProblem(await api.request(`/api/v1/backfills/${nothing.backfill.id}/cancel`, { method: 'POST' }), 409, 'BACKFILL_ENDED');
    const list = await (await api.request(`/api/v1/jobs/${jobId}/backfills`)).json();
    expect(list.backfills.map((item: { id: string }) => item.id)).toEqual([nothing.backfill.id, created.id]);
    await expectProblem(await api.request('/api/v1/backfills/00000000-0000-4000-8000-00000000abcd'), 404, 'BACKFILL_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/backfills/not-an-id/cancel', { method: 'POST' }), 404, 'BACKFILL_NOT_FOUND');
    const audit = await databaseOf(api.container).db.select().from(auditEvents).where(eq(auditEvents.resourceId, created.id));
    expect(audit.map((row) => row.action)).toEqual(['backfill.cancel']);
    // One event per change: the second cancel changed nothing; an empty range is created completed.
    expect(await eventsOf(jobId, 4)).toEqual([
      ['backfill.created', created.id, 'running'],
      ['backfill.cancelled', created.id, 'cancelled'],
      ['backfill.created', nothing.backfill.id, 'completed'],
      ['backfill.completed', nothing.backfill.id, 'completed'],
    ]);
  });
});
