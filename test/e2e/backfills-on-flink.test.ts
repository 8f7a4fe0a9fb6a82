import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer } from '../../scripts/jar-server.js';
import { committedLines, flinkGet, flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { midnightDaysAgo } from '../support/instants.js';
import { waitFor } from '../support/wait.js';

const skipReason = await flinkSkipReason();

const midnight = midnightDaysAgo;

describe.skipIf(skipReason)('backfills on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let workDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    workDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-backfills-'));
    await mkdir(join(workDir, 'data'));
    service = await startServiceProcess({
      DATA_DIR: join(workDir, 'data'),
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
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  it('runs a backfill of 5 daily ticks of a file job: every run SUCCEEDS on Flink, one per tick, and writes its own day', async () => {
    const input = join(workDir, 'orders.csv');
    const output = join(workDir, 'daily-out');
    await writeFile(input, 'apples,3\npears,10\napples,4\n');
    const day = '{{dataIntervalStart | date:"yyyy-MM-dd"}}';
    // The job writes its --date into every line, into a folder of that day: what Flink saw, read back below.
    const job = await call('POST', '/api/v1/jobs', {
      name: `backfilled-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: 'com.example.flinkjob.FileJob',
      config: { input: `file://${input}`, output: `file://${output}/${day}` },
      args: ['--date', day],
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
    // Each tick's run got the day its data interval starts on (the midnight before its tick, in UTC), and wrote it:
    // five days, each in every line of its own folder.
    const dayBefore = (tick: string) => new Date(Date.parse(tick) - 24 * 3600_000).toISOString().slice(0, 10);
    const days = runs.map((run) => dayBefore(run.scheduledFor));
    expect(new Set(days).size).toBe(5);
    for (const run of runs) {
      const date = dayBefore(run.scheduledFor);
      expect(run.programArgs).toEqual(['--input', `file://${input}`, '--output', `file://${output}/${date}`, '--date', date]);
      expect((await committedLines(join(output, date))).lines, run.scheduledFor).toEqual([`${date},apples,7`, `${date},pears,10`]);
    }
    // Nothing else was written: the five folders hold every line there is.
    expect((await committedLines(output)).lines).toEqual(days.flatMap((date) => [`${date},apples,7`, `${date},pears,10`]).sort());
  }, 240_000);
});
