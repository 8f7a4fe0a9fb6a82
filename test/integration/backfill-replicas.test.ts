import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { migratePostgresDatabase, openDatabase } from '../../infrastructure/database.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

const skipReason = await postgresSkipReason();
const TICKS = 200;
const MAX_ACTIVE = 4;

/** The most runs that were under way at one instant: from each one's creation to its end. */
function mostAtOnce(runs: { createdAt: Date; endedAt: Date | null }[]): number {
  // At equal instants an end comes before a start: a run created as another ended took its slot.
  const edges = runs.flatMap((run) => [
    { at: run.createdAt.getTime(), delta: 1 },
    { at: (run.endedAt ?? new Date(8.64e15)).getTime(), delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const { delta } of edges) most = Math.max(most, (current += delta));
  return most;
}

// Several processes on one database: PostgreSQL only (an embedded PGlite belongs to one process).
describe.skipIf(skipReason)('a backfill on three replicas of one PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let jarHost: Server;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await migratePostgresDatabase(scratch.url);
    // A JAR host that answers 404 after a while: each run is under way for that long, then FAILED.
    jarHost = createServer((_request, response) => setTimeout(() => response.writeHead(404).end(), 150));
    await new Promise<void>((resolve) => jarHost.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop('SIGKILL')));
    jarHost?.closeAllConnections();
    jarHost?.close();
    await scratch?.drop();
  });

  it(
    `runs each of ${TICKS} ticks exactly once, never more than ${MAX_ACTIVE} at once, while a replica is killed with SIGKILL midway`,
    async () => {
      const jarPort = (jarHost.address() as AddressInfo).port;
      const env = {
        DATABASE_URL: scratch.url,
        JAR_ALLOWED_HOSTS: `127.0.0.1:${jarPort}`,
        FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
        SCHEDULER_POLL_INTERVAL_MS: '200',
      };
      // One after the other: three compiling at once on a busy machine may take longer than a start is given.
      for (const n of [1, 2, 3]) replicas.push(await startServiceProcess({ ...env, INSTANCE_ID: `replica-${n}` }, 90_000));
      const api = replicas[0]!.baseUrl;
      const job = await callService(api, 'POST', '/api/v1/jobs', {
        name: 'backfilled',
        jarURL: `http://127.0.0.1:${jarPort}/job.jar`,
        entryClass: 'com.example.Main',
      });
      const jobId = (job.body as { id: string }).id;
      expect((await callService(api, 'POST', `/api/v1/jobs/${jobId}/schedule`, { cron: '* * * * *' })).status).toBe(200);
      // Minute ticks: the first minute of the range opens the first data interval.
      const from = Math.floor(Date.now() / 60_000) * 60_000 - (TICKS + 10) * 60_000;
      const range = { from: new Date(from).toISOString(), to: new Date(from + TICKS * 60_000).toISOString() };
      const created = await callService(api, 'POST', `/api/v1/jobs/${jobId}/backfills`, { ...range, reprocess: 'missing', maxActive: MAX_ACTIVE });
      expect(created.status).toBe(201);
      const plan = created.body as { ticks: string[]; backfill: { id: string } };
      expect(plan.ticks).toHaveLength(TICKS);

      const database = await openDatabase({ kind: 'postgres', url: scratch.url });
      try {
        const runsOf = () => database.db.select().from(jobExecutions).where(eq(jobExecutions.backfillId, plan.backfill.id));
        await waitFor(runsOf, (runs) => runs.length >= TICKS / 3, 60_000, 'a third of the ticks to start');
        await replicas[1]!.stop('SIGKILL');
        replicas[1] = await startServiceProcess({ ...env, INSTANCE_ID: 'replica-2-again' }, 90_000);
        const read = async () => (await callService(api, 'GET', `/api/v1/backfills/${plan.backfill.id}`)).body as { state: string };
        await waitFor(read, (backfill) => backfill.state === 'completed', 120_000, 'the backfill to complete');

        const runs = await runsOf();
        const ticks = runs.map((run) => run.scheduledFor!.toISOString());
        expect(runs.every((run) => run.trigger === 'backfill' && run.attempt === 1 && run.status === 'FAILED')).toBe(true);
        expect(ticks.length, 'runs of the backfill').toBe(TICKS);
        expect([...new Set(ticks)].sort(), 'each tick once').toEqual(plan.ticks);
        expect(mostAtOnce(runs), `runs under way at once (maxActive ${MAX_ACTIVE})`).toBeLessThanOrEqual(MAX_ACTIVE);
        expect(mostAtOnce(runs), 'runs did run side by side').toBeGreaterThan(1);
      } finally {
        await database.close();
      }
    },
    420_000,
  );
});

/** The embedded database belongs to one process: the closest to a replica dying is the one process killed and started again. */
describe('a backfill on the embedded database, through a SIGKILL and a restart', () => {
  const ticksHere = 60;
  let folder: string;
  let jarHost: Server;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'backfill-restart-'));
    jarHost = createServer((_request, response) => setTimeout(() => response.writeHead(404).end(), 150));
    await new Promise<void>((resolve) => jarHost.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    jarHost?.closeAllConnections();
    jarHost?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it(`runs each of ${ticksHere} ticks exactly once, never more than ${MAX_ACTIVE} at once`, async () => {
    const jarPort = (jarHost.address() as AddressInfo).port;
    const env = {
      DATA_DIR: join(folder, 'data'),
      JAR_ALLOWED_HOSTS: `127.0.0.1:${jarPort}`,
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
      SCHEDULER_POLL_INTERVAL_MS: '200',
      INSTANCE_ID: 'embedded',
    };
    service = await startServiceProcess(env, 90_000);
    let api = service.baseUrl;
    const job = await callService(api, 'POST', '/api/v1/jobs', { name: 'backfilled', jarURL: `http://127.0.0.1:${jarPort}/job.jar`, entryClass: 'com.example.Main' });
    const jobId = (job.body as { id: string }).id;
    expect((await callService(api, 'POST', `/api/v1/jobs/${jobId}/schedule`, { cron: '* * * * *' })).status).toBe(200);
    const from = Math.floor(Date.now() / 60_000) * 60_000 - (ticksHere + 10) * 60_000;
    const range = { from: new Date(from).toISOString(), to: new Date(from + ticksHere * 60_000).toISOString() };
    const created = await callService(api, 'POST', `/api/v1/jobs/${jobId}/backfills`, { ...range, reprocess: 'missing', maxActive: MAX_ACTIVE });
    expect(created.status).toBe(201);
    const plan = created.body as { ticks: string[]; backfill: { id: string } };
    const read = async () => (await callService(api, 'GET', `/api/v1/backfills/${plan.backfill.id}`)).body as {
      state: string;
      progress: { started: number };
    };
    await waitFor(read, (backfill) => backfill.progress.started >= ticksHere / 3, 60_000, 'a third of the ticks to start');
    await service.stop('SIGKILL');
    service = await startServiceProcess(env, 90_000);
    api = service.baseUrl;
    await waitFor(read, (backfill) => backfill.state === 'completed', 120_000, 'the backfill to complete');

    // The schedule's own ticks fire meanwhile, every minute: only the backfill's runs count here.
    const page = await callService(api, 'GET', `/api/v1/executions?jobId=${jobId}&trigger=backfill&limit=200`);
    type Run = { trigger: string; attempt: number; status: string; scheduledFor: string; createdAt: string; endedAt: string | null };
    const runs = (page.body as { executions: Run[] }).executions;
    expect(runs.every((run) => run.trigger === 'backfill' && run.attempt === 1 && run.status === 'FAILED')).toBe(true);
    expect(runs.map((run) => run.scheduledFor).sort(), 'each tick once').toEqual(plan.ticks);
    const spans = runs.map((run) => ({ createdAt: new Date(run.createdAt), endedAt: run.endedAt ? new Date(run.endedAt) : null }));
    expect(mostAtOnce(spans), `runs under way at once (maxActive ${MAX_ACTIVE})`).toBeLessThanOrEqual(MAX_ACTIVE);
  }, 300_000);
});
