import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJarServer, TEST_JOB_CLASS } from '../../scripts/jar-server.js';
import { flinkGet, flinkSkipReason, flinkTasksRunning, flinkWorkDir, testJobCount, TEST_FLINK_URL } from '../support/flink.js';
import { waitFor } from '../support/wait.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const skipReason = await flinkSkipReason();

interface Execution {
  id: string;
  status: string;
  trigger: string;
  flinkJobId: string;
  savepointPath: string | null;
  restoredFrom: string | null;
  upgradeOf: string | null;
  jobVersion: number | null;
  programArgs: string[] | null;
  error: { code: string; message: string } | null;
}

interface Upgrade {
  id: string;
  state: string;
  fromVersion: number;
  toVersion: number;
  oldExecutionId: string;
  newExecutionId: string | null;
  rollbackExecutionId: string | null;
  restoredFrom: string | null;
  rolledBack: boolean;
  error: { code: string; message: string } | null;
}

/**
 * Upgrades of a running job on a real cluster. The unbounded test job counts its numbers in keyed state and writes
 * the count to its `progress-file` every 10 numbers: a version that restored the state goes on counting from where
 * the old one stopped, one that did not starts again at 10.
 */
describe.skipIf(skipReason)('upgrades of a running job on a real Flink cluster', () => {
  let jars: Awaited<ReturnType<typeof startJarServer>>;
  let dataDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    jars = await startJarServer();
    dataDir = await mkdtemp(join(tmpdir(), 'fjs-e2e-upgrades-'));
    service = await startServiceProcess({
      DATA_DIR: dataDir,
      FLINK_JOBMANAGER_URL: TEST_FLINK_URL,
      DATA_PROCESSOR_URL: jars.url,
      SAVEPOINT_DIR: `file://${join(await flinkWorkDir(), 'savepoints')}`,
      FLINK_POLL_INTERVAL_MS: '300',
      STOP_TIMEOUT_SECONDS: '30',
      UPGRADE_STABLE_SECONDS: '3',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await jars?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown) => callService(service.baseUrl, method, path, body);
  const read = async (id: string): Promise<Execution> => (await call('GET', `/api/v1/executions/${id}`)).body;
  const until = (id: string, statuses: string[], timeoutMs = 90_000) =>
    waitFor(() => read(id), (execution) => statuses.includes(execution.status), timeoutMs, `execution ${id} in ${statuses}`);
  const upgradeEnded = (id: string) =>
    waitFor(
      async (): Promise<Upgrade> => (await call('GET', `/api/v1/upgrades/${id}`)).body,
      (upgrade) => upgrade.state === 'SUCCEEDED' || upgrade.state === 'FAILED',
      120_000,
      `upgrade ${id} ended`,
    );
  const countReaches = (file: string, least: number) =>
    waitFor(async () => testJobCount(file), (count) => count >= least, 60_000, `a count of ${least} in ${file}`);

  const definition = (name: string, config: Record<string, string>) => ({
    name,
    jarURL: '/jars/flink-test-job.jar',
    entryClass: TEST_JOB_CLASS,
    config: { mode: 'unbounded', 'delay-ms': '10', ...config },
  });

  async function replace(jobId: string, upgrade: string, body: unknown) {
    return call('PUT', `/api/v1/jobs/${jobId}?upgrade=${upgrade}`, body);
  }

  it('upgrades with a savepoint to a version with a new argument, refuses one whose main() throws, and rolls back one that fails after the stop', async () => {
    const name = `upgraded-${Date.now()}`;
    const firstFile = join(dataDir, 'count-v1');
    const created = await call('POST', '/api/v1/jobs', definition(name, { 'progress-file': firstFile }));
    expect(created.status).toBe(201);
    const jobId: string = created.body.id;
    const old = await until((await call('POST', `/api/v1/jobs/${jobId}/start`)).body.id, ['RUNNING', 'FAILED']);
    expect(old.status, JSON.stringify(old.error)).toBe('RUNNING');
    await flinkTasksRunning(old.flinkJobId);
    const counted = await countReaches(firstFile, 200);

    // Version 2 writes its count to another file: the first count it writes shows where it started from.
    const secondFile = join(dataDir, 'count-v2');
    const second = definition(name, { 'progress-file': secondFile });
    const upgrading = await replace(jobId, 'savepoint', second);
    expect(upgrading.status, JSON.stringify(upgrading.body)).toBe(200);
    expect(upgrading.body).toMatchObject({ version: 2, upgrade: { status: 'STOPPING', mode: 'savepoint' } });
    const upgraded = await upgradeEnded(upgrading.body.upgrade.id);
    expect(upgraded, JSON.stringify(upgraded.error)).toMatchObject({ state: 'SUCCEEDED', fromVersion: 1, toVersion: 2, oldExecutionId: old.id });
    const stopped = await read(old.id);
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.savepointPath).toMatch(/^file:/);
    const current = await read(upgraded.newExecutionId!);
    expect(current).toMatchObject({
      status: 'RUNNING',
      trigger: 'upgrade',
      upgradeOf: old.id,
      jobVersion: 2,
      restoredFrom: stopped.savepointPath,
    });
    expect(current.programArgs).toContain(secondFile);
    const resumedAt = await waitFor(async () => testJobCount(secondFile), (count) => count > 0, 30_000, 'the new version counting');
    expect(resumedAt).toBeGreaterThan(counted);

    // A version whose main() throws cannot build its graph: refused, nothing stored, the run goes on.
    const refused = await replace(jobId, 'savepoint', { ...second, config: { mode: 'mainfail' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'JOB_GRAPH_FAILED' });
    expect(refused.body.detail).toContain('TestJob main failure');
    expect((await call('GET', `/api/v1/jobs/${jobId}`)).body.version).toBe(2);
    expect((await read(current.id)).status).toBe('RUNNING');
    expect((await flinkGet(`/jobs/${current.flinkJobId}`)).state).toBe('RUNNING');

    // A version that builds its graph but fails once it runs: stopped with a savepoint, failed, rolled back.
    const before = testJobCount(secondFile);
    const failing = await replace(jobId, 'savepoint', { ...second, config: { mode: 'fail' } });
    expect(failing.status, JSON.stringify(failing.body)).toBe(200);
    const failed = await upgradeEnded(failing.body.upgrade.id);
    expect(failed).toMatchObject({ state: 'FAILED', rolledBack: true, fromVersion: 2, toVersion: 3 });
    expect(failed.error?.message).toBeTruthy();
    expect((await read(failed.newExecutionId!)).status).toBe('FAILED');
    const rollback = await read(failed.rollbackExecutionId!);
    expect(rollback).toMatchObject({
      status: 'RUNNING',
      trigger: 'upgrade',
      upgradeOf: failed.newExecutionId,
      jobVersion: 2,
      restoredFrom: failed.restoredFrom,
    });
    expect(rollback.restoredFrom).toBe((await read(current.id)).savepointPath);
    await flinkTasksRunning(rollback.flinkJobId);
    await countReaches(secondFile, before + 50);

    // The job's definition went back too: version 4 is version 2's.
    const versions = (await call('GET', `/api/v1/jobs/${jobId}/versions`)).body.versions as { version: number }[];
    expect(versions.map((entry) => entry.version)).toEqual([4, 3, 2, 1]);
    expect((await call('GET', `/api/v1/jobs/${jobId}/versions/4`)).body.definition.config).toEqual(second.config);

    expect((await call('POST', `/api/v1/jobs/${jobId}/stop`, { mode: 'cancel' })).status).toBe(202);
    expect((await until(rollback.id, ['STOPPED', 'FAILED'])).status).toBe('STOPPED');
  });
});
