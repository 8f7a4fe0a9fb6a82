import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer, TEST_JOB_CLASS } from '../../scripts/jar-server.js';
import { flinkGet, flinkSkipReason, flinkWorkDir, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const skipReason = await flinkSkipReason();

interface Execution {
  id: string;
  trigger: string;
  scheduledFor: string | null;
  status: string;
  flinkJobId: string | null;
  flinkJarId: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  history: { status: string; at: string }[];
}

interface Schedule {
  paused: boolean;
  pauseNote: string | null;
  nextRunTimes: string[];
  counters: { runsStarted: number; ticksSkipped: number; ticksMissed: number };
  createdAt: string;
  updatedAt: string;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED', 'SKIPPED'];
const at = (instant: string | null) => new Date(instant ?? Number.NaN).getTime();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipReason)('cron schedules on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let dataDir: string;
  let service: ServiceProcess;
  let flinkJobsBefore: string[] = [];

  const flinkJobs = async () => (await flinkGet<{ jobs: { jid: string; state: string }[] }>('/jobs/overview')).jobs;

  beforeAll(async () => {
    flinkJobsBefore = (await flinkJobs()).map((job) => job.jid);
    jars = await startJarServer();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-'));
    service = await startServiceProcess({
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      SAVEPOINT_DIR: `file://${join(await flinkWorkDir(), 'savepoints')}`,
      FLINK_POLL_INTERVAL_MS: '300',
      SCHEDULER_POLL_INTERVAL_MS: '500',
      STOP_TIMEOUT_SECONDS: '30',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    // A failed test may leave its unbounded run on the cluster, taking a slot from the suites after this one.
    for (const job of await flinkJobs()) {
      if (job.state === 'RUNNING' && !flinkJobsBefore.includes(job.jid)) {
        await fetch(`${TEST_FLINK_URL}/jobs/${job.jid}?mode=cancel`, { method: 'PATCH' });
      }
    }
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  async function createJob(name: string, config: Record<string, string>): Promise<string> {
    const { status, body } = await call('POST', '/api/v1/jobs', {
      name: `${name}-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: TEST_JOB_CLASS,
      config,
    });
    expect(status).toBe(201);
    return body.id;
  }

  async function schedule(jobId: string, definition: Record<string, unknown>): Promise<Schedule> {
    const { status, body } = await call('POST', `/api/v1/jobs/${jobId}/schedule`, definition);
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  }

  const readSchedule = async (jobId: string): Promise<Schedule> => (await call('GET', `/api/v1/jobs/${jobId}/schedule`)).body;

  async function deleteSchedule(jobId: string): Promise<void> {
    expect((await call('DELETE', `/api/v1/jobs/${jobId}/schedule`)).status).toBe(204);
    const gone = await call('GET', `/api/v1/jobs/${jobId}/schedule`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('SCHEDULE_NOT_FOUND');
  }

  /** The job's runs, newest first (one page is plenty for these short tests). */
  async function executions(jobId: string): Promise<Execution[]> {
    const { status, body } = await call('GET', `/api/v1/jobs/${jobId}/executions?limit=200`);
    expect(status).toBe(200);
    expect(body.nextContinuationToken).toBeNull();
    return body.executions;
  }

  const executionsUntil = (jobId: string, done: (runs: Execution[]) => boolean, what: string, timeoutMs = 60_000) =>
    waitFor(() => executions(jobId), done, timeoutMs, `${what} (job ${jobId})`);

  const started = (runs: Execution[]) => runs.filter((run) => run.status !== 'SKIPPED');

  /** Every scheduled run is stamped with a distinct tick of the pattern, and was not recorded before its tick. */
  function expectOnTicks(runs: Execution[], everySeconds: number) {
    for (const run of runs) {
      expect(run.trigger).toBe('schedule');
      const tick = at(run.scheduledFor);
      expect(tick % (everySeconds * 1000), `${run.scheduledFor} is on a ${everySeconds}-second tick`).toBe(0);
      expect(at(run.createdAt)).toBeGreaterThanOrEqual(tick);
    }
    expect(new Set(runs.map((run) => run.scheduledFor)).size, 'one run per tick').toBe(runs.length);
  }

  it('fires a six-field schedule on the bounded job: runs stamped with their tick that SUCCEED on Flink', async () => {
    const jobId = await createJob('every-5s', { mode: 'bounded' });
    const created = await schedule(jobId, { cron: '*/5 * * * * *' });
    expect(created.nextRunTimes).toHaveLength(5);
    expect(created.nextRunTimes.map((time) => at(time) % 5000)).toEqual([0, 0, 0, 0, 0]);

    const runs = await executionsUntil(
      jobId,
      (list) => list.filter((run) => run.status === 'SUCCEEDED').length >= 2 || list.some((run) => run.status === 'FAILED'),
      'two scheduled runs SUCCEEDED',
      75_000,
    );
    const succeeded = runs.filter((run) => run.status === 'SUCCEEDED');
    expect(succeeded.length, JSON.stringify(runs.map((run) => [run.status, run.error]))).toBeGreaterThanOrEqual(2);
    expectOnTicks(runs, 5);
    for (const run of runs) expect(at(run.scheduledFor)).toBeGreaterThan(at(created.createdAt));
    for (const run of succeeded) {
      expect(run.flinkJobId).toMatch(/^[0-9a-f]{32}$/);
      expect((await flinkGet(`/jobs/${run.flinkJobId}`)).state).toBe('FINISHED');
      expect(run.history.map((entry) => entry.status)).toEqual(['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'SUCCEEDED']);
    }

    const { counters } = await readSchedule(jobId);
    await deleteSchedule(jobId);
    const deletedAt = Date.now();
    // The tick after the deletion must not fire: wait past it, and let a run in flight end.
    await sleep(5000 - (deletedAt % 5000) + 1500);
    const after = await executionsUntil(jobId, (list) => list.every((run) => TERMINAL.includes(run.status)), 'runs ended');
    expect(after.filter((run) => at(run.scheduledFor) > deletedAt)).toEqual([]);
    // A tick may have fired between reading the counters and the deletion.
    expect(started(after).length - counters.runsStarted).toBeOneOf([0, 1]);
  });

  it('records later ticks SKIPPED with OVERLAP while the unbounded run is RUNNING, with no Flink job for them', async () => {
    const jobId = await createJob('overlap', { mode: 'unbounded' });
    const jobsBeforeTest = (await flinkJobs()).map((job) => job.jid);
    await schedule(jobId, { cron: '*/2 * * * * *', overlapPolicy: 'skip' });

    // A tick after the run reached RUNNING, not only one that found it still launching.
    const runningSince = (list: Execution[]) => at(list.find((run) => run.status === 'RUNNING')?.history.at(-1)?.at ?? null);
    const runs = await executionsUntil(
      jobId,
      (list) =>
        list.some((run) => run.status === 'FAILED') ||
        list.some((run) => run.status === 'SKIPPED' && at(run.scheduledFor) > runningSince(list)),
      'a SKIPPED tick while the run is RUNNING',
    );
    const [running, ...others] = started(runs);
    expect(others, 'only the first tick started a run').toEqual([]);
    expect(running?.status, JSON.stringify(running?.error)).toBe('RUNNING');
    expect(running!.flinkJobId).toMatch(/^[0-9a-f]{32}$/);
    expect((await flinkGet(`/jobs/${running!.flinkJobId}`)).state).toBe('RUNNING');

    const skipped = runs.filter((run) => run.status === 'SKIPPED');
    expect(skipped.filter((tick) => at(tick.scheduledFor) > runningSince(runs)).length).toBeGreaterThanOrEqual(1);
    expectOnTicks(runs, 2);
    for (const tick of skipped) {
      expect(at(tick.scheduledFor)).toBeGreaterThan(at(running!.scheduledFor));
      expect(tick.error?.code).toBe('OVERLAP');
      expect(tick).toMatchObject({ flinkJobId: null, flinkJarId: null });
      expect(tick.history.map((entry) => entry.status)).toEqual(['SKIPPED']);
    }

    const { counters } = await readSchedule(jobId);
    expect(counters.runsStarted).toBe(1);
    expect(counters.ticksSkipped).toBeGreaterThanOrEqual(skipped.length);

    await deleteSchedule(jobId);
    expect((await call('POST', `/api/v1/jobs/${jobId}/stop`, { mode: 'cancel' })).status).toBe(202);
    const stopped = await waitFor(
      async () => (await call('GET', `/api/v1/executions/${running!.id}`)).body as Execution,
      (execution) => TERMINAL.includes(execution.status),
      60_000,
      `run ${running!.id} ended`,
    );
    expect(stopped.status).toBe('STOPPED');
    expect((await flinkGet(`/jobs/${running!.flinkJobId}`)).state).toBe('CANCELED');
    const submitted = (await flinkJobs()).filter((job) => !jobsBeforeTest.includes(job.jid));
    expect(submitted.map((job) => job.jid)).toEqual([running!.flinkJobId]);
  });

  it('starts no run while paused, shows the pause with its note, and runs again after resuming', async () => {
    const jobId = await createJob('pausable', { mode: 'bounded' });
    await schedule(jobId, { cron: '*/2 * * * * *' });
    await executionsUntil(jobId, (list) => list.length >= 1, 'a first tick');

    const paused = (await call('POST', `/api/v1/jobs/${jobId}/schedule/pause`, { note: 'cluster upgrade' })).body as Schedule;
    expect(paused).toMatchObject({ paused: true, pauseNote: 'cluster upgrade', nextRunTimes: [] });
    expect(await readSchedule(jobId)).toMatchObject({ paused: true, pauseNote: 'cluster upgrade', nextRunTimes: [] });
    // Nothing to wait for while paused: the proof is that three ticks pass and none of them fires.
    await sleep(6500);
    const whilePaused = await executions(jobId);
    expect(whilePaused.filter((run) => at(run.scheduledFor) > at(paused.updatedAt))).toEqual([]);

    const resumed = (await call('POST', `/api/v1/jobs/${jobId}/schedule/resume`)).body as Schedule;
    expect(resumed).toMatchObject({ paused: false, pauseNote: null });
    expect(resumed.nextRunTimes).toHaveLength(5);
    expect(at(resumed.nextRunTimes[0]!)).toBeGreaterThan(at(resumed.updatedAt));

    const runs = await executionsUntil(
      jobId,
      (list) => list.some((run) => at(run.scheduledFor) > at(resumed.updatedAt) && ['SUCCEEDED', 'FAILED'].includes(run.status)),
      'a run after resuming ended',
    );
    const afterResume = runs.filter((run) => at(run.scheduledFor) > at(resumed.updatedAt));
    expect(afterResume.some((run) => run.status === 'SUCCEEDED'), JSON.stringify(afterResume)).toBe(true);
    // Ticks that fell in the pause do not run late: every run belongs to a tick before the pause or after the resume.
    expect(runs.filter((run) => at(run.scheduledFor) > at(paused.updatedAt) && at(run.scheduledFor) <= at(resumed.updatedAt))).toEqual([]);
    expectOnTicks(runs, 2);

    await deleteSchedule(jobId);
    await executionsUntil(jobId, (list) => list.every((run) => TERMINAL.includes(run.status)), 'runs ended');
  });
});
