import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobSchedules } from '../../adapters/output/repository/schedule-table.js';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { migratePostgresDatabase, openDatabase } from '../../infrastructure/database.js';
import { waitFor } from '../support/wait.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const skipReason = await postgresSkipReason();
const SCHEDULES = 50;
const WINDOW_SECONDS = 30;
const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

describe.skipIf(skipReason)('three replicas on one PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await migratePostgresDatabase(scratch.url);
  });
  // Each test has the database to its own replicas: those of an earlier test would take ticks and runs too.
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop('SIGKILL')));
    const database = await openDatabase({ kind: 'postgres', url: scratch.url });
    await database.db.delete(jobSchedules);
    await database.close();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it(
    'fire every tick of 50 every-second schedules exactly once over 30 s, and deliver every event once, in order per job, while one replica is killed and restarted',
    async () => {
      const receiver = await WebhookReceiver.start();
      const env = {
        DATABASE_URL: scratch.url,
        // Runs fail at once (nothing listens on port 1): the count of runs per tick is the point here.
        JAR_ALLOWED_HOSTS: '127.0.0.1:1',
        FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
        SCHEDULER_POLL_INTERVAL_MS: '500',
        WEBHOOK_ALLOWED_HOSTS: receiver.origin,
        // The killed replica's claims run out 12 s after they were made.
        WEBHOOK_TIMEOUT_SECONDS: '2',
      };
      replicas.push(...(await Promise.all([1, 2, 3].map(() => startServiceProcess(env)))));

      const api = replicas[0]!.baseUrl;
      const hook = await callService(api, 'POST', '/api/v1/webhooks', { url: receiver.url, eventTypes: ['*'] });
      expect(hook.status).toBe(201);
      for (let i = 0; i < SCHEDULES; i++) {
        const job = await fetch(`${api}/api/v1/jobs`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: `tick-${i}`, jarURL: 'http://127.0.0.1:1/job.jar', entryClass: 'com.example.Main' }),
        }).then((response) => response.json() as Promise<{ id: string }>);
        const set = await fetch(`${api}/api/v1/jobs/${job.id}/schedule`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ cron: '* * * * * *' }),
        });
        expect(set.status).toBe(200);
      }

      const windowStart = Math.ceil(Date.now() / 1000) * 1000 + 2000;
      const windowEnd = windowStart + WINDOW_SECONDS * 1000;
      await sleepUntil(windowStart + 10_500);
      await replicas[1]!.stop('SIGKILL');
      replicas[1] = await startServiceProcess(env);
      await sleepUntil(windowEnd + 3000);

      const database = await openDatabase({ kind: 'postgres', url: scratch.url });
      try {
        const rows = await database.db.execute<{ job_id: string; tick: string; runs: number }>(sql`
          select job_id, scheduled_for as tick, count(*)::int as runs
          from job_executions
          where scheduled_for >= ${new Date(windowStart).toISOString()}::timestamptz
            and scheduled_for < ${new Date(windowEnd).toISOString()}::timestamptz
          group by job_id, scheduled_for`);
        type TickRuns = { job_id: string; tick: string; runs: number };
        const perTick: TickRuns[] = Array.isArray(rows) ? rows : (rows as unknown as { rows: TickRuns[] }).rows;
        const duplicated = perTick.filter((row) => row.runs !== 1);
        expect(duplicated, 'ticks with more than one run').toEqual([]);
        expect(perTick.length, 'ticks with a run').toBe(SCHEDULES * WINDOW_SECONDS);
        await expectEveryEventDelivered(database, receiver);
      } finally {
        await database.close();
        await receiver.down();
      }
    },
    150_000,
  );

  it('takes over the runs of a replica killed with SIGKILL within 10 s, and resumes their launch', async () => {
    // A JAR host that takes requests and never answers: a run stays DOWNLOADING, wherever it is driven from.
    const downloads: string[] = [];
    const stalled = createServer((request) => downloads.push(request.url ?? ''));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const jarPort = (stalled.address() as AddressInfo).port;
    const jarHost = `http://127.0.0.1:${jarPort}`;
    const env = { DATABASE_URL: scratch.url, JAR_ALLOWED_HOSTS: `127.0.0.1:${jarPort}`, FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9' };
    const doomed = await startServiceProcess({ ...env, INSTANCE_ID: 'doomed' });
    const survivor = await startServiceProcess({ ...env, INSTANCE_ID: 'survivor' });
    replicas.push(doomed, survivor);
    const database = await openDatabase({ kind: 'postgres', url: scratch.url });
    try {
      const job = await fetch(`${doomed.baseUrl}/api/v1/jobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'takeover', jarURL: `${jarHost}/jars/job.jar`, entryClass: 'com.example.Main' }),
      }).then((response) => response.json() as Promise<{ id: string }>);
      const run = await fetch(`${doomed.baseUrl}/api/v1/jobs/${job.id}/start`, { method: 'POST' }).then(
        (response) => response.json() as Promise<{ id: string }>,
      );
      await waitFor(async () => downloads.length, (count) => count === 1, 10_000, 'the first download');
      const leaseOf = async () =>
        (await database.db.select().from(jobExecutions).where(eq(jobExecutions.id, run.id)))[0]!;
      expect(await leaseOf()).toMatchObject({ leaseOwner: 'doomed', status: 'DOWNLOADING' });

      await doomed.stop('SIGKILL');
      const killedAt = Date.now();
      const taken = await waitFor(leaseOf, (row) => row.leaseOwner === 'survivor', 15_000, 'the take-over');
      expect(Date.now() - killedAt, 'taken over within 10 s').toBeLessThanOrEqual(10_000);
      expect(taken.status).toBe('DOWNLOADING');
      await waitFor(async () => downloads.length, (count) => count === 2, 5_000, 'the resumed download');
    } finally {
      await database.close();
      stalled.closeAllConnections();
      stalled.close();
    }
  }, 60_000);

  it('wakes every replica for a schedule set on another one, long before its poll interval', async () => {
    const env = {
      DATABASE_URL: scratch.url,
      JAR_ALLOWED_HOSTS: '127.0.0.1:1',
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
      SCHEDULER_POLL_INTERVAL_MS: '600000',
    };
    const listener = await startServiceProcess({ ...env, INSTANCE_ID: 'listener' });
    const editor = await startServiceProcess({ ...env, INSTANCE_ID: 'editor' });
    replicas.push(listener, editor);
    const database = await openDatabase({ kind: 'postgres', url: scratch.url });
    try {
      const job = await callService(editor.baseUrl, 'POST', '/api/v1/jobs', {
        name: 'woken',
        jarURL: 'http://127.0.0.1:1/job.jar',
        entryClass: 'com.example.Main',
      });
      // `allow`: every tick starts a run, whatever the runs before it are doing.
      const set = await callService(editor.baseUrl, 'POST', `/api/v1/jobs/${job.body.id}/schedule`, {
        cron: '* * * * * *',
        overlapPolicy: 'allow',
      });
      expect(set.status).toBe(200);
      // The editor leaves; only the listener, asleep for up to ten minutes, can fire the ticks.
      await editor.stop('SIGKILL');
      const setAt = Date.now();
      const runs = () =>
        database.db.select().from(jobExecutions).where(and(eq(jobExecutions.jobId, job.body.id), eq(jobExecutions.leaseOwner, 'listener')));
      await waitFor(runs, (rows) => rows.length >= 2, 10_000, 'runs fired by the listener');
      expect(Date.now() - setAt).toBeLessThan(10_000);
    } finally {
      await database.close();
    }
  }, 60_000);
});

/**
 * Every event stored by now reaches the receiver: each `webhook-id` answered 2xx once at least (a repeat after the
 * take-over is allowed: at least once), and the first receipts of each job's events come in the outbox's order.
 */
async function expectEveryEventDelivered(database: Awaited<ReturnType<typeof openDatabase>>, receiver: WebhookReceiver) {
  const result = await database.db.execute(sql`select id::text as id, subject::text as subject from events order by tx, seq`);
  type EventRow = { id: string; subject: string };
  const stored: EventRow[] = Array.isArray(result) ? result : (result as unknown as { rows: EventRow[] }).rows;
  expect(stored.length).toBeGreaterThan(SCHEDULES * WINDOW_SECONDS);
  const ids = new Set(stored.map((event) => event.id));
  const arrived = () => receiver.accepted().filter((delivery) => ids.has(delivery.id));
  await waitFor(async () => arrived().length, (count) => count === ids.size, 60_000, `all ${ids.size} events delivered`);
  const bySubject = (list: { id: string; subject: string }[]) => {
    const groups = new Map<string, string[]>();
    for (const { id, subject } of list) groups.set(subject, [...(groups.get(subject) ?? []), id]);
    return groups;
  };
  const deliveredOrder = bySubject(arrived().map((delivery) => ({ id: delivery.id, subject: delivery.event.subject })));
  expect(deliveredOrder).toEqual(bySubject(stored));
}
