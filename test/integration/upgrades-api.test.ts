import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { auditEvents, events } from '../../adapters/output/repository/schema.js';
import { newExecution } from '../../domain/entities/execution.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import type { ExecutionWorker } from '../../infrastructure/execution-worker.js';
import type { SchedulerLoop } from '../../infrastructure/scheduler-loop.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { startFlinkStandIn, type FlinkStandIn } from '../support/flink-stand-in.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Flink's REST API as an upgrade meets it, with bodies recorded from Flink 2.3.0 where they matter: a plan that
 * main() refuses (`--mode mainfail`), a stop with savepoint that completes and finishes the job, a cancel, and a
 * program (`--mode incompatible`) whose run call succeeds but whose job fails on the state it restores a moment
 * later, as a real JobManager does when the savepoint does not fit the new operators.
 */
const recorded = (name: string) => readFileSync(new URL(`../unit/fixtures/flink/2.3.0/${name}`, import.meta.url), 'utf8');
const JAR_ID = 'abc_job.jar';
interface StandInJob { state: string; args: string[]; savepointPath?: string; ranAt: number }
const flinkJobs = new Map<string, StandInJob>();
const runCalls: { jobId: string; programArgsList: string[]; savepointPath?: string }[] = [];
const cancels: string[] = [];
let flink: FlinkStandIn;

beforeAll(async () => {
  flink = await startFlinkStandIn({
    flinkVersion: '2.3.0',
    jarId: JAR_ID,
    handle: ({ method, url, body, json, send }) => {
      const path = url.split('?')[0]!;
      if (method === 'POST' && path === `/jars/${JAR_ID}/plan`) {
        const plan = JSON.parse(body) as { programArgsList: string[] };
        if (plan.programArgsList.includes('mainfail')) send(500, recorded('plan-main-failure.json'));
        else send(200, recorded('plan-bounded.json'));
        return true;
      }
      if (method === 'POST' && path === `/jars/${JAR_ID}/run`) {
        const run = JSON.parse(body) as { jobId: string; programArgsList: string[]; savepointPath?: string };
        runCalls.push(run);
        flinkJobs.set(run.jobId, { state: 'RUNNING', args: run.programArgsList, savepointPath: run.savepointPath, ranAt: Date.now() });
        json(200, { jobid: run.jobId });
        return true;
      }
      const job = /^\/jobs\/([0-9a-f]{32})(\/.*)?$/.exec(path);
      if (!job) return false;
      const [, id, rest = ''] = job;
      const known = flinkJobs.get(id!);
      if (!known) {
        send(404, recorded('job-not-found.json'));
        return true;
      }
      // The new program cannot take the old state: it fails a moment after its run call.
      if (known.args.includes('incompatible') && known.savepointPath && Date.now() - known.ranAt > 300) known.state = 'FAILED';
      if (method === 'GET' && rest === '') json(200, { jid: id, state: known.state });
      else if (method === 'GET' && rest === '/exceptions') {
        send(200, recorded(known.state === 'FAILED' ? 'exceptions-restore-failure.json' : 'exceptions-none.json'));
      }
      else if (method === 'POST' && rest === '/stop') json(202, { 'request-id': `stop-${id}` });
      else if (method === 'GET' && rest.startsWith('/savepoints/') && known.args.includes('refuse')) {
        send(200, recorded('savepoint-failed-directory.json'));
      } else if (method === 'GET' && rest.startsWith('/savepoints/')) {
        known.state = 'FINISHED';
        json(200, { status: { id: 'COMPLETED' }, operation: { location: `file:/savepoints/savepoint-${id!.slice(0, 6)}` } });
      } else if (method === 'PATCH' && rest === '') {
        cancels.push(id!);
        known.state = 'CANCELED';
        json(202, {});
      } else if (method === 'GET' && rest === '/checkpoints') send(404, recorded('job-not-found.json'));
      else return false;
      return true;
    },
  });
});
afterAll(() => flink.close());

const backends = await testAppBackends();

describe.each(backends)('upgrades of a running job on $name', (backend) => {
  let api: TestApp;
  let loop: SchedulerLoop;
  let counter = 0;

  beforeAll(async () => {
    if (backend.skipReason) return;
    const port = new URL(flink.url).port;
    api = await backend.start(
      loadConfig({
        JAR_ALLOWED_HOSTS: `127.0.0.1:${port}`, FLINK_JOBMANAGER_URL: flink.url, SAVEPOINT_DIR: 'file:///savepoints',
        FLINK_POLL_INTERVAL_MS: '150', SCHEDULER_POLL_INTERVAL_MS: '150', UPGRADE_STABLE_SECONDS: '2',
      }),
    );
    await api.container.resolve<ExecutionWorker>(TOKENS.ExecutionWorker).start();
    loop = api.container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
    loop.start();
  });
  afterAll(async () => {
    await loop?.stop();
    await api?.close();
  });

  const definition = (mode: string) => ({
    name: `upgraded-${backend.name}-${counter}`, jarURL: `${flink.url}/jars/job.jar`, entryClass: 'com.example.flinkjob.TestJob', config: { mode },
  });
  const read = async (path: string) => (await api.request(path)).json();
  /** A job whose first version runs, RUNNING on the stand-in. */
  const runningJob = async (mode = 'v1') => {
    counter++;
    const { id } = await (await api.request('/api/v1/jobs', { method: 'POST', json: definition(mode) })).json();
    const started = await (await api.request(`/api/v1/jobs/${id}/start`, { method: 'POST' })).json();
    await waitFor(() => read(`/api/v1/executions/${started.id}`), (run) => run.status === 'RUNNING', 20_000, 'the first run to run');
    return { jobId: id as string, runId: started.id as string };
  };
  const replace = (jobId: string, mode: string, upgrade?: string) =>
    api.request(`/api/v1/jobs/${jobId}${upgrade ? `?upgrade=${upgrade}` : ''}`, { method: 'PUT', json: definition(mode) });
  const settled = (upgradeId: string) =>
    waitFor(() => read(`/api/v1/upgrades/${upgradeId}`), (upgrade) => ['SUCCEEDED', 'FAILED'].includes(upgrade.state), 30_000, 'the upgrade to end');

  it.skipIf(backend.skipReason)('stops the old run with a savepoint and runs the new version from it, in one audited change', async () => {
    const { jobId, runId } = await runningJob();
    const response = await replace(jobId, 'v2', 'savepoint');
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ version: 2, config: { mode: 'v2' }, upgrade: { status: 'STOPPING', mode: 'savepoint' } });
    expect(answer.upgrade.links.self).toBe(`/api/v1/upgrades/${answer.upgrade.id}`);
    // One upgrade at a time, whichever route asks.
    await expectProblem(await replace(jobId, 'v3', 'stateless'), 409, 'UPGRADE_IN_PROGRESS');
    const rollback = await api.request(`/api/v1/jobs/${jobId}/rollback?upgrade=savepoint`, { method: 'POST', json: { version: 1 } });
    await expectProblem(rollback, 409, 'UPGRADE_IN_PROGRESS');

    const upgrade = await settled(answer.upgrade.id);
    expect(upgrade).toMatchObject({ state: 'SUCCEEDED', mode: 'savepoint', fromVersion: 1, toVersion: 2, oldExecutionId: runId, rolledBack: false, error: null });
    const old = await read(`/api/v1/executions/${runId}`);
    expect(old).toMatchObject({ status: 'STOPPED', savepointPath: expect.stringMatching(/^file:\/savepoints\/savepoint-/) });
    expect(await read(`/api/v1/executions/${upgrade.newExecutionId}`)).toMatchObject({
      status: 'RUNNING', trigger: 'upgrade', upgradeOf: runId, jobVersion: 2, restoredFrom: old.savepointPath, restoredFromKind: 'savepoint',
    });
    expect(runCalls.at(-1)).toMatchObject({ programArgsList: ['--mode', 'v2'], savepointPath: old.savepointPath });
    expect((await read(`/api/v1/jobs/${jobId}/versions`)).versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await read(`/api/v1/jobs/${jobId}/upgrades`)).upgrades.map((u: { id: string }) => u.id)).toEqual([upgrade.id]);
    const upgrades = await read(`/api/v1/executions?trigger=upgrade&jobId=${jobId}`);
    expect(upgrades.executions.map((run: { id: string }) => run.id)).toEqual([upgrade.newExecutionId]);

    const db = databaseOf(api.container).db;
    const types = await waitFor(
      async () => (await db.select().from(events).where(eq(events.subject, jobId))).map((event) => event.type),
      (found) => found.includes('upgrade.succeeded'),
      10_000,
      'the upgrade events',
    );
    expect(types).toEqual(expect.arrayContaining(['job.replaced', 'upgrade.started', 'upgrade.succeeded']));
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.resourceId, jobId));
    expect(audit.filter((row) => row.action === 'job.replace' && row.outcome === 200)).toHaveLength(1);
  });

  it.skipIf(backend.skipReason)('refuses a new version whose job graph fails with 422: nothing stored, the old run goes on', async () => {
    const { jobId, runId } = await runningJob();
    const refused = await expectProblem(await replace(jobId, 'mainfail', 'savepoint'), 422, 'JOB_GRAPH_FAILED');
    expect(refused.detail).toContain('TestJob main failure');
    expect(await read(`/api/v1/jobs/${jobId}`)).toMatchObject({ version: 1, config: { mode: 'v1' } });
    expect((await read(`/api/v1/executions/${runId}`)).status).toBe('RUNNING');
    expect((await read(`/api/v1/jobs/${jobId}/upgrades`)).upgrades).toEqual([]);
  });

  it.skipIf(backend.skipReason)('rolls back to the old version from the same savepoint when the new one fails after its run call', async () => {
    const { jobId, runId } = await runningJob();
    const answer = await (await replace(jobId, 'incompatible', 'savepoint')).json();
    const upgrade = await settled(answer.upgrade.id);
    expect(upgrade).toMatchObject({ state: 'FAILED', rolledBack: true, error: { code: 'FLINK_JOB_FAILED' } });
    // The job's own failure cause, as Flink recorded it (here: a restore it could not carry out).
    expect(upgrade.error.message).toContain('Cannot find checkpoint or savepoint');
    const old = await read(`/api/v1/executions/${runId}`);
    const failed = await read(`/api/v1/executions/${upgrade.newExecutionId}`);
    expect(failed).toMatchObject({ status: 'FAILED', trigger: 'upgrade', upgradeOf: runId, jobVersion: 2, restoredFrom: old.savepointPath });
    expect(await read(`/api/v1/executions/${upgrade.rollbackExecutionId}`)).toMatchObject({
      status: 'RUNNING', trigger: 'upgrade', upgradeOf: failed.id, jobVersion: 1, restoredFrom: old.savepointPath,
    });
    expect(runCalls.at(-1)).toMatchObject({ programArgsList: ['--mode', 'v1'], savepointPath: old.savepointPath });
    // The definition went back too: later runs do not start the version that failed.
    expect(await read(`/api/v1/jobs/${jobId}`)).toMatchObject({ version: 3, config: { mode: 'v1' } });
  });

  it.skipIf(backend.skipReason)('abandons the stop when the savepoint fails: the old run goes on, uncancelled, and the definition goes back', async () => {
    const { jobId, runId } = await runningJob('refuse');
    const answer = await (await replace(jobId, 'v2', 'savepoint')).json();
    const upgrade = await settled(answer.upgrade.id);
    expect(upgrade).toMatchObject({ state: 'FAILED', rolledBack: false, newExecutionId: null, error: { code: 'UPGRADE_SAVEPOINT_FAILED' } });
    expect(upgrade.error.message).toContain('savepoint failed');
    const old = await read(`/api/v1/executions/${runId}`);
    expect(old.status).toBe('RUNNING');
    expect(old.history.map((entry: { status: string }) => entry.status).slice(-2)).toEqual(['STOPPING', 'RUNNING']);
    expect(old.history.at(-1).detail).toContain('upgrade abandoned, the run goes on: savepoint failed');
    expect(cancels).not.toContain(old.flinkJobId);
    expect(await read(`/api/v1/jobs/${jobId}`)).toMatchObject({ version: 3, config: { mode: 'refuse' } });
  });

  it.skipIf(backend.skipReason)('answers bad modes with 400, a run not RUNNING with 409, and says when nothing is upgraded', async () => {
    const { jobId, runId } = await runningJob();
    const bad = await expectProblem(await replace(jobId, 'v2', 'sometimes'), 400, 'VALIDATION_FAILED');
    expect(bad.errors[0].path).toBe('upgrade');
    const kept = await (await replace(jobId, 'v2')).json();
    expect(kept).toMatchObject({ version: 2, activeRun: { executionId: runId, jobVersion: 1 } });
    expect(kept.notice).toContain(`Run ${runId} goes on with version 1`);
    expect(kept.upgrade).toBeUndefined();
    expect((await read(`/api/v1/executions/${runId}`)).status).toBe('RUNNING');

    counter++;
    const idle = await (await api.request('/api/v1/jobs', { method: 'POST', json: definition('v1') })).json();
    const plain = await (await replace(idle.id, 'v2', 'savepoint')).json();
    expect(plain).toMatchObject({ version: 2, notice: expect.stringContaining('nothing to upgrade') });
    expect(plain.upgrade).toBeUndefined();

    // A run still launching, driven by another instance: it cannot be upgraded yet.
    counter++;
    const launching = await (await api.request('/api/v1/jobs', { method: 'POST', json: definition('v1') })).json();
    const leases = { owner: 'another-instance', ttlMs: 600_000, clock: { now: () => new Date() } };
    const run = { ...newExecution({ id: crypto.randomUUID(), jobId: launching.id, trigger: 'manual', jobVersion: 1, now: new Date() }), status: 'SUBMITTING' as const };
    await new DrizzleExecutionRepository(databaseOf(api.container).db, leases).insert(run, { exclusive: true });
    const problem = await expectProblem(await replace(launching.id, 'v2', 'savepoint'), 409, 'UPGRADE_NOT_POSSIBLE');
    expect(problem.detail).toContain('SUBMITTING');
    expect((await read(`/api/v1/jobs/${launching.id}`)).version).toBe(1);
    await expectProblem(await api.request(`/api/v1/upgrades/${crypto.randomUUID()}`), 404, 'UPGRADE_NOT_FOUND');
  });
});
