import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer, TEST_JOB_CLASS } from '../../scripts/jar-server.js';
import { flinkGet, flinkLocal, flinkSkipReason, flinkTasksRunning, flinkWorkDir, testJobCount, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const skipReason = await flinkSkipReason();

interface Execution {
  id: string;
  status: string;
  flinkJobId: string | null;
  flinkJarId: string | null;
  savepointPath: string | null;
  restoredFrom: string | null;
  restoredFromKind: string | null;
  error: { code: string; message: string } | null;
  history: { status: string; detail?: string }[];
  jobVersion: number | null;
  flinkWebUrl: string | null;
}

describe.skipIf(skipReason)('runs on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let dataDir: string;
  let serviceEnv: Record<string, string>;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-'));
    serviceEnv = {
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      SAVEPOINT_DIR: `file://${join(await flinkWorkDir(), 'savepoints')}`,
      FLINK_POLL_INTERVAL_MS: '300',
      STOP_TIMEOUT_SECONDS: '30',
      HEALTH_PROBE_INTERVAL_MS: '500',
    };
    service = await startServiceProcess(serviceEnv);
  });

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);

  async function createJob(name: string, config: Record<string, string>, extra: Record<string, unknown> = {}) {
    const { status, body } = await call('POST', '/api/v1/jobs', {
      name: `${name}-${Date.now()}`,
      jarURL: '/jars/flink-test-job.jar',
      entryClass: TEST_JOB_CLASS,
      config,
      ...extra,
    });
    expect(status).toBe(201);
    return body as { id: string };
  }

  async function start(jobId: string, body?: unknown): Promise<Execution> {
    const { status, body: execution } = await call('POST', `/api/v1/jobs/${jobId}/start`, body);
    expect(status, JSON.stringify(execution)).toBe(202);
    return execution;
  }

  const read = async (id: string): Promise<Execution> => (await call('GET', `/api/v1/executions/${id}`)).body;

  const until = (id: string, statuses: string[], timeoutMs = 90_000) =>
    waitFor(() => read(id), (execution) => statuses.includes(execution.status), timeoutMs, `execution ${id} in ${statuses}`);

  const jarCount = async () => (await flinkGet<{ files: unknown[] }>('/jars')).files.length;

  it('runs a bounded job to SUCCEEDED, records the Flink job id, and uploads the JAR only once', async () => {
    const job = await createJob('bounded', { mode: 'bounded' });
    const first = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(first.flinkJobId).toMatch(/^[0-9a-f]{32}$/);
    expect((await flinkGet(`/jobs/${first.flinkJobId}`)).state).toBe('FINISHED');
    expect(first.history.map((entry) => entry.status)).toEqual([
      'PENDING',
      'DOWNLOADING',
      'UPLOADING',
      'SUBMITTING',
      'RUNNING',
      'SUCCEEDED',
    ]);

    const jarsBefore = await jarCount();
    const second = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(second.status).toBe('SUCCEEDED');
    expect(second.flinkJarId).toBe(first.flinkJarId);
    expect(await jarCount()).toBe(jarsBefore);

    const listed = (await call('GET', `/api/v1/jobs/${job.id}/executions`)).body;
    expect(listed.executions.map((e: Execution) => e.id)).toEqual([second.id, first.id]);
    expect((await call('GET', `/api/v1/jobs/${job.id}`)).body.lastExecution).toMatchObject({ id: second.id, status: 'SUCCEEDED' });
  });

  it('ends a job whose task throws FAILED with the thrown message', async () => {
    const job = await createJob('fail', { mode: 'fail', message: 'disk on fire' });
    const execution = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(execution.status).toBe('FAILED');
    expect(execution.error?.code).toBe('FLINK_JOB_FAILED');
    expect(execution.error?.message).toContain('TestJob task failure: disk on fire');
    expect(execution).toMatchObject({ jobVersion: 1, flinkWebUrl: `${TEST_FLINK_URL}/#/job/completed/${execution.flinkJobId}/overview` });

    // Flink's exception history, the same on 1.20 and 2.x: the failure that ended the job, its root cause the task's.
    const { status, body } = await call('GET', `/api/v1/executions/${execution.id}/exceptions`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ executionId: execution.id, flinkJobId: execution.flinkJobId, note: null });
    expect(body.exceptions.length).toBeGreaterThanOrEqual(1);
    const [ending] = body.exceptions;
    expect(ending.message).toBe('java.lang.RuntimeException: TestJob task failure: disk on fire');
    expect(ending.stacktrace).toContain('TestJob task failure: disk on fire');
    expect(ending.concurrent).toContainEqual(
      expect.objectContaining({ message: ending.message, taskName: expect.stringContaining('fail'), location: expect.any(String) }),
    );
  });

  it('ends a job whose main() throws FAILED with the cause, without a stack trace', async () => {
    const job = await createJob('mainfail', { mode: 'mainfail', message: 'bad arguments' });
    const execution = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(execution.status).toBe('FAILED');
    expect(execution.error?.code).toBe('FLINK_SUBMIT_FAILED');
    expect(execution.error?.message).toContain('TestJob main failure: bad arguments');
    expect(execution.error?.message).not.toMatch(/\n\s+at /);
  });

  it("checks a job's plan without running it: the test job's graph, a missing entry class, a main() that throws", async () => {
    const job = await createJob('plan', { mode: 'bounded', count: '10' }, { parallelism: 2 });
    const jobsBefore = (await flinkGet<{ jobs: unknown[] }>('/jobs')).jobs.length;
    const checked = await call('POST', `/api/v1/jobs/${job.id}/plan`);
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body).toEqual({
      ok: true,
      plan: {
        flinkJobName: 'TestJob bounded',
        vertices: [{ id: expect.any(String), description: 'Source: sequence\n+- square\n   +- discard: Writer', parallelism: 2 }],
      },
    });
    expect((await flinkGet<{ jobs: unknown[] }>('/jobs')).jobs, 'nothing ran on Flink').toHaveLength(jobsBefore);
    const { body: definition } = await call('GET', `/api/v1/jobs/${job.id}`);
    const { id, version, createdAt, updatedAt, lastExecution, schedule, ...stored } = definition;
    const missing = await call('POST', `/api/v1/jobs/${job.id}/plan`, { definition: { ...stored, entryClass: 'com.example.Nope' } });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'JOB_GRAPH_FAILED', detail: expect.stringContaining('java.lang.ClassNotFoundException: com.example.Nope') });
    const throwing = await call('POST', `/api/v1/jobs/${job.id}/plan`, { definition: { ...stored, config: { mode: 'mainfail', message: 'no plan' } } });
    expect(throwing.status).toBe(422);
    expect(throwing.body.detail).toContain('java.lang.IllegalArgumentException: TestJob main failure: no plan');
    expect(throwing.body.detail).not.toMatch(/\n\s+at /);
  });

  it('stops an unbounded job with a savepoint, restores from it, then cancels it', async () => {
    const job = await createJob('unbounded', { mode: 'unbounded' });
    const running = await until((await start(job.id)).id, ['RUNNING', 'FAILED']);
    expect(running.status, JSON.stringify(running.error)).toBe('RUNNING');
    await flinkTasksRunning(running.flinkJobId!);

    const again = await call('POST', `/api/v1/jobs/${job.id}/start`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'JOB_ALREADY_RUNNING' });
    expect(again.body.detail).toContain(running.id);

    // A savepoint taken on request: the job runs on, and the catalog has it with its folder.
    const manual = await call('POST', `/api/v1/jobs/${job.id}/savepoints`);
    expect(manual.status, JSON.stringify(manual.body)).toBe(202);
    const taken = await waitFor(
      async () => (await call('GET', `/api/v1/savepoints/${manual.body.id}`)).body,
      (savepoint) => savepoint.status !== 'PENDING',
      60_000,
      'the savepoint taken on request',
    );
    expect(taken, JSON.stringify(taken)).toMatchObject({ status: 'COMPLETED', origin: 'MANUAL', executionId: running.id });
    expect(existsSync(fileURLToPath(taken.path))).toBe(true);
    expect((await read(running.id)).status).toBe('RUNNING');

    const stopping = await call('POST', `/api/v1/jobs/${job.id}/stop`);
    expect(stopping.status).toBe(202);
    const stopped = await until(running.id, ['STOPPED', 'FAILED']);
    expect(stopped.status, JSON.stringify(stopped.error)).toBe('STOPPED');
    expect(stopped.savepointPath).toMatch(/^file:/);
    expect(existsSync(fileURLToPath(stopped.savepointPath!))).toBe(true);
    const catalog = (await call('GET', `/api/v1/jobs/${job.id}/savepoints`)).body.savepoints;
    expect(catalog.map((savepoint: { origin: string; status: string; path: string }) => [savepoint.origin, savepoint.status, savepoint.path])).toEqual([
      ['STOP', 'COMPLETED', stopped.savepointPath],
      ['MANUAL', 'COMPLETED', taken.path],
    ]);

    const restored = await until((await start(job.id, { fromLastSavepoint: true })).id, ['RUNNING', 'FAILED']);
    expect(restored.status, JSON.stringify(restored.error)).toBe('RUNNING');
    expect(restored.restoredFrom).toBe(stopped.savepointPath);
    await flinkTasksRunning(restored.flinkJobId!);

    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`, { mode: 'cancel' })).status).toBe(202);
    const cancelled = await until(restored.id, ['STOPPED', 'FAILED']);
    expect(cancelled).toMatchObject({ status: 'STOPPED', savepointPath: null });
    expect((await flinkGet(`/jobs/${restored.flinkJobId}`)).state).toBe('CANCELED');
    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`)).body).toMatchObject({ code: 'JOB_NOT_RUNNING' });
  });

  it('takes periodic savepoints on a cron of the job and keeps the newest 2, disposing of the others on disk', async () => {
    const job = await createJob('periodic', { mode: 'unbounded' }, { savepointPolicy: { cron: '*/2 * * * * *', maxCount: 2 } });
    const running = await until((await start(job.id)).id, ['RUNNING', 'FAILED']);
    expect(running.status, JSON.stringify(running.error)).toBe('RUNNING');
    await flinkTasksRunning(running.flinkJobId!);
    type Entry = { origin: string; status: string; path: string | null; createdAt: string };
    const catalog = async () => (await call('GET', `/api/v1/jobs/${job.id}/savepoints?limit=50`)).body.savepoints as Entry[];
    const settled = (entries: Entry[]) => entries.filter((entry) => entry.origin === 'PERIODIC' && entry.status !== 'PENDING');
    const entries = await waitFor(
      catalog,
      // One asked for before every task ran fails: the ones that count are those disposed of and those kept.
      (all) => settled(all).filter((entry) => entry.status === 'DISPOSED').length >= 2 && settled(all).filter((entry) => entry.status === 'COMPLETED').length <= 2,
      60_000,
      'two periodic savepoints disposed of, two at most kept',
    );
    const periodic = settled(entries).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    expect(periodic[0]!.status).toBe('COMPLETED');
    expect(existsSync(fileURLToPath(periodic[0]!.path!))).toBe(true);
    const disposed = periodic.filter((entry) => entry.status === 'DISPOSED');
    expect(periodic.filter((entry) => entry.status === 'COMPLETED')).toHaveLength(2);
    for (const entry of disposed) expect(existsSync(fileURLToPath(entry.path!))).toBe(false);
    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`, { mode: 'cancel' })).status).toBe(202);
    expect((await until(running.id, ['STOPPED', 'FAILED'])).status).toBe('STOPPED');
  });

  it('resumes a streaming job whose task failed from its retained checkpoint with restore latest-state, its count going on', async () => {
    const flinkConfiguration = {
      'execution.checkpointing.interval': '1s',
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
    };
    // The test job counts in keyed state, writes the count to the file every 10 numbers, and fails at 400 when it
    // started from zero: restored, it counts on from its checkpoint and runs on.
    const progressFile = join(dataDir, 'count-latest-state');
    const config = { mode: 'unbounded', 'delay-ms': '10', 'progress-file': progressFile, 'fail-at-count': '400' };
    const job = await createJob('retained', config, { flinkConfiguration });
    const first = await until((await start(job.id)).id, ['FAILED', 'STOPPED', 'SUCCEEDED']);
    expect(first.error).toMatchObject({ code: 'FLINK_JOB_FAILED', message: expect.stringContaining('TestJob task failure: count 400') });
    const checkpointsOf = (flinkJobId: string) => flinkGet(`/jobs/${flinkJobId}/checkpoints`);
    // The JobManager serves statistics cached for 3 s: read while the job ran, they name a checkpoint its last one
    // subsumed (discarded: true) until the cache expires.
    const stats = await waitFor(() => checkpointsOf(first.flinkJobId!), (body) => body.latest?.completed?.discarded === false, 10_000, 'fresh statistics');
    const retained = stats.latest.completed;
    expect(retained).toMatchObject({ discarded: false, external_path: expect.stringMatching(/^file:.*\/chk-\d+$/) });
    expect(existsSync(fileURLToPath(retained.external_path))).toBe(true);
    rmSync(progressFile);

    const restored = await until((await start(job.id, { restore: 'latest-state' })).id, ['RUNNING', 'FAILED']);
    expect(restored, JSON.stringify(restored.error)).toMatchObject({
      status: 'RUNNING',
      restoredFrom: retained.external_path,
      restoredFromKind: 'checkpoint',
    });
    expect(restored.history[0]!.detail).toBe(`restore 'latest-state': restoring from checkpoint ${retained.external_path}`);
    const restoredStats = await waitFor(() => checkpointsOf(restored.flinkJobId!), (body) => !!body.latest?.restored, 30_000, 'the restore');
    expect(restoredStats.latest.restored.external_path).toBe(retained.external_path);
    const catalog = await waitFor(
      async () => (await call('GET', `/api/v1/jobs/${job.id}/savepoints`)).body.savepoints as { origin: string; path: string; executionId: string }[],
      (entries) => entries.length > 0,
      15_000,
      'the retained checkpoint in the catalog',
    );
    expect(catalog).toEqual([expect.objectContaining({ origin: 'RETAINED_CHECKPOINT', status: 'COMPLETED', path: retained.external_path, executionId: first.id })]);
    // Checkpoints come every second, at 100 numbers a second: the count goes on from well above zero, past 400.
    const resumedAt = await waitFor(async () => testJobCount(progressFile), (count) => count > 0, 30_000, 'the count');
    expect(resumedAt).toBeGreaterThan(50);
    await waitFor(async () => testJobCount(progressFile), (count) => count > 450, 30_000, 'a count past 400');
    expect((await read(restored.id)).status).toBe('RUNNING');
    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`, { mode: 'cancel' })).status).toBe(202);
    expect((await until(restored.id, ['STOPPED', 'FAILED'])).status).toBe('STOPPED');
  });

  it('ends a stop whose savepoint an operator declines, taking the job down, FAILED with SAVEPOINT_FAILED', async () => {
    // The test job runs with no restart strategy: the declined snapshot fails its task, and so the job.
    const job = await createJob('nosnapshot', { mode: 'nosnapshot' });
    const running = await until((await start(job.id)).id, ['RUNNING', 'FAILED']);
    expect(running.status, JSON.stringify(running.error)).toBe('RUNNING');
    await flinkTasksRunning(running.flinkJobId!);
    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`)).status).toBe(202);
    const ended = await until(running.id, ['STOPPED', 'FAILED']);
    expect(ended, JSON.stringify(ended.history)).toMatchObject({
      status: 'FAILED',
      savepointPath: null,
      error: {
        code: 'SAVEPOINT_FAILED',
        message: "The stop's savepoint failed and the job went down with it: java.lang.UnsupportedOperationException: Not supported yet",
      },
    });
    expect((await call('GET', `/api/v1/jobs/${job.id}/executions`)).body.executions).toHaveLength(1);
  });

  it('refuses a JAR whose checksum does not match, uploading nothing, and a jarURL on another host', async () => {
    const jarsBefore = await jarCount();
    const job = await createJob('checksum', { mode: 'bounded' }, { jarSha256: '0'.repeat(64) });
    const execution = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(execution.error?.code).toBe('JAR_CHECKSUM_MISMATCH');
    expect(await jarCount()).toBe(jarsBefore);

    const refused = await call('POST', '/api/v1/jobs', {
      name: `elsewhere-${Date.now()}`,
      jarURL: 'http://jars.example.org/job.jar',
      entryClass: TEST_JOB_CLASS,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('JAR_URL_NOT_ALLOWED');
  });

  it('re-attaches a run after the service is killed, with no second Flink job', async () => {
    const job = await createJob('survivor', { mode: 'unbounded' });
    const running = await until((await start(job.id)).id, ['RUNNING', 'FAILED']);
    expect(running.status).toBe('RUNNING');
    await flinkTasksRunning(running.flinkJobId!);

    await service.stop('SIGKILL');
    service = await startServiceProcess(serviceEnv);
    expect((await read(running.id)).status).toBe('RUNNING');
    expect((await call('POST', `/api/v1/jobs/${job.id}/stop`, { mode: 'cancel' })).status).toBe(202);
    expect((await until(running.id, ['STOPPED', 'FAILED'])).status).toBe('STOPPED');
    const overview = await flinkGet<{ jobs: { jid: string }[] }>('/jobs/overview');
    expect(overview.jobs.filter((flinkJob) => flinkJob.jid === running.flinkJobId)).toHaveLength(1);
  });

  it('fails runs with FLINK_UNREACHABLE while the JobManager is down, stays ready, and runs again after its restart', async () => {
    const job = await createJob('restart', { mode: 'bounded' });
    await flinkLocal('stop-jobmanager');
    try {
      const execution = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
      expect(execution.error?.code).toBe('FLINK_UNREACHABLE');
      expect(execution.error?.message).toContain(TEST_FLINK_URL);
      // /health answers from the background probe: the loss shows within one probe interval.
      const health = await waitFor(async () => (await call('GET', '/health')).body, (body) => !body.flink.reachable, 10_000, 'Flink lost in /health');
      expect(health).toMatchObject({ status: 'degraded', database: 'ok', flink: { reachable: false, version: null } });
      expect((await call('GET', '/readyz')).status).toBe(200);
    } finally {
      await flinkLocal('start-jobmanager');
    }
    // The restarted JobManager lost every uploaded JAR: the service uploads again and carries on.
    const execution = await until((await start(job.id)).id, ['SUCCEEDED', 'FAILED']);
    expect(execution.status, JSON.stringify(execution.error)).toBe('SUCCEEDED');
    const health = await waitFor(async () => (await call('GET', '/health')).body, (body) => body.flink.reachable, 10_000, 'Flink back in /health');
    expect(health.flink).toMatchObject({ reachable: true, version: expect.any(String) });
  });
});
