import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer } from '../../scripts/jar-server.js';
import { flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const skipReason = await flinkSkipReason();

interface Execution {
  id: string;
  status: string;
  scheduledFor: string | null;
  programArgs: string[] | null;
  error: { code: string; message: string } | null;
}

/** The lines of the committed part files under `folder` (FileSink writes `<bucket>/part-*`; hidden ones are in progress). */
async function committedLines(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.'));
  const lines = await Promise.all(files.map(async (entry) => (await readFile(join(entry.parentPath, entry.name), 'utf8')).split('\n')));
  return lines.flat().filter((line) => line !== '').sort();
}

/** A daily job over yesterday's partition, as the README shows it, run on the local cluster. */
describe.skipIf(skipReason)('templated program arguments on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let workDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    workDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-templates-'));
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

  it('gives the job the day before the run, in the schedule zone, and records the arguments it was given', async () => {
    const input = join(workDir, 'orders.csv');
    await writeFile(input, 'apples,3\npears,10\napples,4\n');
    const created = await call('POST', '/api/v1/jobs', {
      name: `daily-orders-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: 'com.example.flinkjob.FileJob',
      config: { input: `file://${input}`, output: `file://${join(workDir, 'out')}/{{dataIntervalStart | date:"yyyy-MM-dd"}}` },
      args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const jobId = created.body.id;
    const schedule = await call('POST', `/api/v1/jobs/${jobId}/schedule`, { cron: '0 0 * * *', timezone: 'Europe/Berlin', paused: true });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(200);

    // The run for midnight of 30 March 2026 in Berlin covers 29 March, the day summer time began.
    const started = await call('POST', `/api/v1/jobs/${jobId}/start`, { scheduledFor: '2026-03-30T00:00:00+02:00' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const execution = await waitFor(
      async () => (await call('GET', `/api/v1/executions/${started.body.id}`)).body as Execution,
      (read) => ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(read.status),
      90_000,
      'the run to end',
    );
    expect(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');
    expect(execution.scheduledFor).toBe('2026-03-29T22:00:00.000Z');
    expect(execution.programArgs).toEqual([
      '--input', `file://${input}`,
      '--output', `file://${join(workDir, 'out')}/2026-03-29`,
      '--date', '2026-03-29',
    ]);
    // What the job itself saw: it writes its --date into every line, under the folder named by --output.
    expect(await committedLines(join(workDir, 'out', '2026-03-29'))).toEqual(['2026-03-29,apples,7', '2026-03-29,pears,10']);
  });
});
