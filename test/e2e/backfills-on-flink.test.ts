import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer, TEST_JOB_CLASS } from '../../scripts/jar-server.js';
import { flinkGet, flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { midnightDaysAgo } from '../support/instants.js';
import { waitFor } from '../support/wait.js';

const skipReason = await flinkSkipReason();

const midnight = midnightDaysAgo;

describe.skipIf(skipReason)('backfills on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let dataDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-'));
    service = await startServiceProcess({
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      FLINK_POLL_INTERVAL_MS: '300',
      SCHEDULER_POLL_INTERVAL_MS: '500',
      // A busy machine may take longer than the default to start the service from source.
    }, 120_000);
  }, 150_000);

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  it('runs a backfill of 5 daily ticks of the bounded job: every run SUCCEEDS on Flink, one per tick, each with its day', async () => {
    const job = await call('POST', '/api/v1/jobs', {
      name: `backfilled-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: TEST_JOB_CLASS,
      config: { mode: 'bounded' },
      args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}'],
    });
    expect(job.status).toBe(201);
    const jobId = job.body.id as string;
    expect((await call('POST', `/api/v1/jobs/${jobId}/schedule`, { cron: '0 0 * * *' })).status).toBe(200);

    const range = { from: midnight(6), to: midnight(1), reprocess: 'missing', maxActive: 2 };
    const dryRun = await call('POST', `/api/v1/jobs/${jobId}/backfills`, { ...range, dryRun: true });
    expect(dryRun.status).toBe(200);
    const created = await call('POST', `/api/v1/jobs/${jobId}/backfills`, range);
    expect(created.status).toBe(201);
    expect(created.body.ticks).toEqual(dryRun.body.ticks);
    expect(created.body.ticks).toHaveLength(5);

    const done = await waitFor(
      async () => (await call('GET', `/api/v1/backfills/${created.body.backfill.id}`)).body,
      (backfill) => backfill.state === 'completed' || (backfill.runs.FAILED ?? 0) > 0,
      180_000,
      'the backfill to complete',
    );
    expect(done).toMatchObject({ state: 'completed', runs: { SUCCEEDED: 5 }, progress: { ticks: 5, finished: 5, remaining: 0 } });

    const runs = (await call('GET', `/api/v1/jobs/${jobId}/executions`)).body.executions as {
      trigger: string;
      scheduledFor: string;
      status: string;
      flinkJobId: string;
      programArgs: string[];
    }[];
    expect(runs.map((run) => run.scheduledFor).sort()).toEqual(created.body.ticks);
    expect(runs.every((run) => run.trigger === 'backfill' && run.status === 'SUCCEEDED')).toBe(true);
    for (const run of runs) expect((await flinkGet<{ state: string }>(`/jobs/${run.flinkJobId}`)).state).toBe('FINISHED');
    // Each tick's run got the day its data interval starts on (the midnight before its tick, in UTC): five days.
    const dayBefore = (tick: string) => new Date(Date.parse(tick) - 24 * 3600_000).toISOString().slice(0, 10);
    for (const run of runs) expect(run.programArgs).toEqual(['--mode', 'bounded', '--date', dayBefore(run.scheduledFor)]);
    expect(new Set(runs.map((run) => run.programArgs.at(-1))).size).toBe(5);
  }, 240_000);
});
