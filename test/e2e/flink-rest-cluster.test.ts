import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkRestCluster } from '../../adapters/output/flink/flink-rest-cluster.js';
import { FlinkError } from '../../domain/errors.js';
import type { FlinkJobState, RunRequest, SavepointStatus } from '../../domain/ports/output/flink-cluster.js';
import { TEST_JOB_CLASS, TEST_JOB_JAR } from '../../scripts/jar-server.js';
import { flinkGet, flinkSkipReason, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';

const skipReason = await flinkSkipReason();
const MIB = 1024 * 1024;

/** A fresh Flink job id: 32 hex characters. */
const newJobId = () => randomBytes(16).toString('hex');

async function rejection(action: Promise<unknown>): Promise<FlinkError> {
  const error = await action.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof FlinkError) return error;
  throw new Error(`expected a FlinkError, got ${error instanceof Error ? error.stack : String(error)}`);
}

describe.skipIf(skipReason)('FlinkRestCluster against the cluster at TEST_FLINK_URL', () => {
  const flink = new FlinkRestCluster({ baseUrl: TEST_FLINK_URL });
  const started: string[] = [];
  let jarId: string;

  beforeAll(async () => {
    jarId = await flink.uploadJar(TEST_JOB_JAR, 'flink-test-job.jar');
  });

  afterAll(async () => {
    // Free the slots of anything a failed test left running, and the JAR.
    await Promise.allSettled(started.map((id) => flink.cancel(id)));
    if (jarId) await flink.deleteJar(jarId);
  });

  async function run(args: string[], changes: Partial<RunRequest> = {}): Promise<string> {
    const jobId = changes.jobId ?? newJobId();
    started.push(jobId);
    return flink.run({
      jarId,
      entryClass: TEST_JOB_CLASS,
      programArgs: args,
      parallelism: null,
      flinkConfiguration: {},
      jobId,
      restore: null,
      ...changes,
    });
  }

  function stateOf(jobId: string, kinds: FlinkJobState['kind'][], timeoutMs = 60_000): Promise<FlinkJobState> {
    return waitFor(() => flink.jobState(jobId), (state) => kinds.includes(state.kind), timeoutMs, `job ${jobId} in ${kinds.join('/')}`);
  }

  /** A stop-with-savepoint needs every task running, not just the job. */
  function tasksRunning(jobId: string): Promise<unknown> {
    return waitFor(
      () => flinkGet<{ state: string; vertices: { status: string }[] }>(`/jobs/${jobId}`),
      (job) => job.state === 'RUNNING' && job.vertices.every((vertex) => vertex.status === 'RUNNING'),
      60_000,
      `all tasks of job ${jobId} running`,
    );
  }

  it('reports the cluster version and its free slots', async () => {
    const config = await flinkGet<{ 'flink-version': string }>('/config');
    const overview = await flink.overview();
    expect(overview.version).toBe(config['flink-version']);
    expect(overview.version).toMatch(/^(1\.20|2)\./);
    expect(overview.slotsAvailable).toBeGreaterThan(0);
    expect(flink.address).toBe(TEST_FLINK_URL.replace(/\/+$/, ''));
  });

  it('uploads a JAR that hasJar then sees, and deleteJar removes it (twice is fine)', async () => {
    const uploaded = await flink.uploadJar(TEST_JOB_JAR, 'uploaded twice');
    expect(uploaded).toMatch(/_uploaded-twice\.jar$/);
    expect(uploaded).not.toBe(jarId);
    expect(await flink.hasJar(uploaded)).toBe(true);
    await flink.deleteJar(uploaded);
    expect(await flink.hasJar(uploaded)).toBe(false);
    expect(await flink.hasJar(jarId)).toBe(true);
    await flink.deleteJar(uploaded);
  });

  it('runs a bounded job under the requested id until it finishes', async () => {
    const jobId = newJobId();
    expect(await run(['--mode', 'bounded'], { jobId })).toBe(jobId);
    expect(await stateOf(jobId, ['finished', 'failed', 'canceled'])).toEqual({ kind: 'finished' });
  });

  it('starts a job id once: a second run with it resolves with the same id', async () => {
    const jobId = newJobId();
    expect(await run(['--mode', 'unbounded'], { jobId })).toBe(jobId);
    expect(await run(['--mode', 'unbounded'], { jobId })).toBe(jobId);
    const { jobs } = await flinkGet<{ jobs: { jid: string }[] }>('/jobs/overview');
    expect(jobs.filter((job) => job.jid === jobId)).toHaveLength(1);
    await flink.cancel(jobId);
    expect(await stateOf(jobId, ['canceled', 'failed', 'finished'])).toEqual({ kind: 'canceled' });
  });

  it('applies parallelism and flinkConfiguration to the job', async () => {
    const withParallelism = await run(['--mode', 'bounded'], { parallelism: 2 });
    const configured = await run(['--mode', 'bounded'], { flinkConfiguration: { 'parallelism.default': '3' } });
    for (const [jobId, parallelism] of [
      [withParallelism, 2],
      [configured, 3],
    ] as const) {
      await stateOf(jobId, ['finished', 'failed', 'canceled']);
      const job = await flinkGet<{ vertices: { parallelism: number }[] }>(`/jobs/${jobId}`);
      expect(job.vertices.map((vertex) => vertex.parallelism)).toContain(parallelism);
    }
  });

  it('reports a failed job with the exception its task threw', async () => {
    const message = `boom ${newJobId()}`;
    const jobId = await run(['--mode', 'fail', '--message', message]);
    expect(await stateOf(jobId, ['finished', 'failed', 'canceled'])).toEqual({ kind: 'failed' });
    expect(await flink.failureCause(jobId)).toBe(`java.lang.RuntimeException: TestJob task failure: ${message}`);
  });

  it('refuses a run whose main() throws with that exception, not a stack trace', async () => {
    const message = `no input ${newJobId()}`;
    const error = await rejection(run(['--mode', 'mainfail', '--message', message]));
    expect(error.code).toBe('FLINK_SUBMIT_FAILED');
    expect(error.message).toBe(`java.lang.IllegalArgumentException: TestJob main failure: ${message}`);
    expect(error.message).not.toContain('\n');
  });

  it('stops a job with a savepoint, restores a new job from it and cancels that one', async () => {
    const first = await run(['--mode', 'unbounded']);
    expect(await stateOf(first, ['running'])).toEqual({ kind: 'running' });
    await tasksRunning(first);

    const triggerId = await flink.stopWithSavepoint(first, { drain: false, targetDirectory: null });
    const status = await waitFor(
      () => flink.savepointStatus(first, triggerId),
      (current: SavepointStatus) => current.kind !== 'in-progress',
      60_000,
      `savepoint ${triggerId}`,
    );
    if (status.kind !== 'completed') throw new Error(`savepoint did not complete: ${JSON.stringify(status)}`);
    expect(existsSync(fileURLToPath(new URL(status.location)))).toBe(true);
    expect(await stateOf(first, ['finished', 'failed', 'canceled'])).toEqual({ kind: 'finished' });
    expect(await flink.retainedSnapshot(first)).toMatchObject({ path: status.location, kind: 'savepoint' });

    const restored = await run(['--mode', 'unbounded'], {
      restore: { savepointPath: status.location, allowNonRestoredState: false, claimMode: 'NO_CLAIM' },
    });
    expect(await stateOf(restored, ['running', 'finished', 'failed', 'canceled'])).toEqual({ kind: 'running' });
    const checkpoints = await flinkGet<{ latest: { restored: { external_path: string } | null } }>(
      `/jobs/${restored}/checkpoints`,
    );
    expect(checkpoints.latest.restored?.external_path).toBe(status.location);
    // No checkpoint of its own yet (it does not checkpoint): what it restored from is its latest state.
    expect(await flink.retainedSnapshot(restored)).toMatchObject({ path: status.location, kind: 'savepoint' });

    await flink.cancel(restored);
    expect(await stateOf(restored, ['finished', 'failed', 'canceled'])).toEqual({ kind: 'canceled' });
    // Once the job has ended, cancelling again is no error: it is not running either way.
    await flink.cancel(restored);
  });

  it('reports a savepoint that cannot be written as failed, with the cause', async () => {
    const jobId = await run(['--mode', 'unbounded']);
    await tasksRunning(jobId);
    const triggerId = await flink.stopWithSavepoint(jobId, { drain: false, targetDirectory: 'file:///proc/no-savepoints-here' });
    const status = await waitFor(
      () => flink.savepointStatus(jobId, triggerId),
      (current: SavepointStatus) => current.kind !== 'in-progress',
      60_000,
      `savepoint ${triggerId}`,
    );
    expect(status).toEqual({
      kind: 'failed',
      cause: 'java.io.IOException: Failed to create savepoint directory at file:/proc/no-savepoints-here',
    });
    expect(await flink.jobState(jobId)).toEqual({ kind: 'running' });
    await flink.cancel(jobId);
  });

  it('answers not-found for a job Flink does not know, and cancels it without complaint', async () => {
    const unknown = newJobId();
    expect(await flink.jobState(unknown)).toEqual({ kind: 'not-found' });
    expect(await flink.retainedSnapshot(unknown)).toBeUndefined();
    await flink.cancel(unknown);
    const error = await rejection(flink.failureCause(unknown));
    expect(error.code).toBe('FLINK_REQUEST_FAILED');
    expect(error.message).toContain('404');
  });

  it('uploads a 256 MiB JAR from disk without holding it in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flink-upload-'));
    try {
      const path = join(dir, 'large.jar');
      const out = createWriteStream(path);
      const block = randomBytes(MIB);
      for (let written = 0; written < 256; written++) if (!out.write(block)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');

      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const uploaded = await flink.uploadJar(path, 'large.jar').finally(() => clearInterval(sampler));
      await flink.deleteJar(uploaded);
      expect((peak - before) / MIB).toBeLessThan(64);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('FlinkRestCluster without a cluster', () => {
  it('fails with FLINK_UNREACHABLE naming a JobManager URL nothing listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await rejection(new FlinkRestCluster({ baseUrl: `http://127.0.0.1:${port}` }).hasJar('any.jar'));
    expect(error.code).toBe('FLINK_UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('fails with FLINK_UNREACHABLE naming the JobManager URL', async () => {
    const flink = new FlinkRestCluster({ baseUrl: 'http://127.0.0.1:1', retries: 0 });
    const calls = [() => flink.overview(), () => flink.jobState(newJobId()), () => flink.uploadJar(TEST_JOB_JAR, 'job.jar')];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error.code).toBe('FLINK_UNREACHABLE');
      expect(error.message).toContain('http://127.0.0.1:1');
    }
    const run = flink.run({
      jarId: 'any.jar',
      entryClass: TEST_JOB_CLASS,
      programArgs: [],
      parallelism: null,
      flinkConfiguration: {},
      jobId: newJobId(),
      restore: null,
    });
    expect((await rejection(run)).code).toBe('FLINK_UNREACHABLE');
  });
});
