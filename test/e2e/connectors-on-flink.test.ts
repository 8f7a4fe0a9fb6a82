import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer } from '../../scripts/jar-server.js';
import { committedLines, flinkGet, flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const skipReason = await flinkSkipReason();

interface Execution {
  id: string;
  status: string;
  flinkJobId: string | null;
  scheduledFor: string | null;
  programArgs: string[] | null;
  error: { code: string; message: string } | null;
}

/**
 * The connectors a Flink binary distribution provides to every job (the file connector in lib/, DataGeneratorSource
 * in flink-dist), used by jobs that do not bundle them, run through the service on the local cluster.
 */
describe.skipIf(skipReason)('jobs using the connectors a Flink distribution ships', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let workDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    workDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-connectors-'));
    await mkdir(join(workDir, 'data'));
    service = await startServiceProcess({
      DATA_DIR: join(workDir, 'data'),
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      FLINK_POLL_INTERVAL_MS: '300',
    }, 90_000);
  });

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  /** Creates the job (`extra`: more of its definition; `schedule`: its schedule, paused) and runs it to the end. */
  async function runToEnd(
    name: string,
    entryClass: string,
    config: Record<string, string>,
    options: { extra?: Record<string, unknown>; schedule?: Record<string, unknown>; start?: Record<string, unknown> } = {},
  ): Promise<Execution> {
    const created = await call('POST', '/api/v1/jobs', {
      name: `${name}-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass,
      config,
      ...options.extra,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (options.schedule) {
      const scheduled = await call('POST', `/api/v1/jobs/${created.body.id}/schedule`, { ...options.schedule, paused: true });
      expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    }
    const started = await call('POST', `/api/v1/jobs/${created.body.id}/start`, options.start);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return waitFor(
      async () => (await call('GET', `/api/v1/executions/${started.body.id}`)).body as Execution,
      (execution) => ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(execution.status),
      90_000,
      `${name} run to end`,
    );
  }

  it('reads a CSV file with FileSource and writes the sums with FileSink', async () => {
    const input = join(workDir, 'amounts.csv');
    const output = join(workDir, 'file-job-out');
    await writeFile(input, '# key,amount\napples,3\npears,10\napples,4\n\nplums,1\npears,-2\n');

    const execution = await runToEnd('file-connector', 'com.example.flinkjob.FileJob', {
      input: `file://${input}`,
      output: `file://${output}`,
    });
    expect(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');
    expect((await flinkGet(`/jobs/${execution.flinkJobId}`)).state).toBe('FINISHED');

    const { files, lines } = await committedLines(output);
    expect(files.some((file) => /\.inprogress/.test(file)), files.join('\n')).toBe(false);
    expect(lines).toEqual(['apples,7', 'pears,8', 'plums,1']);
  });

  it('gives a daily job the day before the run, in the schedule zone, and records the arguments it was given', async () => {
    const input = join(workDir, 'orders.csv');
    const output = join(workDir, 'daily-out');
    await writeFile(input, 'apples,3\npears,10\napples,4\n');
    // The run for midnight of 30 March 2026 in Berlin covers 29 March, the day summer time began.
    const execution = await runToEnd(
      'daily-orders',
      'com.example.flinkjob.FileJob',
      { input: `file://${input}`, output: `file://${output}/{{dataIntervalStart | date:"yyyy-MM-dd"}}` },
      {
        extra: { args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}'] },
        schedule: { cron: '0 0 * * *', timezone: 'Europe/Berlin' },
        start: { scheduledFor: '2026-03-30T00:00:00+02:00' },
      },
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');
    expect(execution.scheduledFor).toBe('2026-03-29T22:00:00.000Z');
    expect(execution.programArgs).toEqual(['--input', `file://${input}`, '--output', `file://${output}/2026-03-29`, '--date', '2026-03-29']);
    // What the job itself saw: it writes its --date into every line, under the folder named by --output.
    expect((await committedLines(join(output, '2026-03-29'))).lines).toEqual(['2026-03-29,apples,7', '2026-03-29,pears,10']);
  });

  it('fails a file job whose input does not exist with the cause from Flink', async () => {
    const execution = await runToEnd('file-connector-missing', 'com.example.flinkjob.FileJob', {
      input: `file://${join(workDir, 'no-such-file.csv')}`,
      output: `file://${join(workDir, 'never-written')}`,
    });
    expect(execution.status).toBe('FAILED');
    expect(execution.error?.message).toMatch(/no-such-file\.csv/);
    expect(execution.error?.message).not.toMatch(/ClassNotFoundException|NoClassDefFoundError/);
  });

  it('generates a bounded stream with DataGeneratorSource and writes every record', async () => {
    const output = join(workDir, 'datagen-out');
    const execution = await runToEnd('datagen', 'com.example.flinkjob.DataGenJob', {
      count: '250',
      output: `file://${output}`,
    });
    expect(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');

    const { lines } = await committedLines(output);
    const expected = Array.from({ length: 250 }, (_, i) => `event-${i},${i * i}`).sort();
    expect(lines).toEqual(expected);
  });
});
