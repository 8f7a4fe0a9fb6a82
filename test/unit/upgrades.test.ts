import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { newExecution, type Execution, type ExecutionStatus } from '../../domain/entities/execution.js';
import { versionOf } from '../../domain/entities/job-version.js';
import { createJob } from '../../domain/entities/job.js';
import { nextUpgradeStep, type Upgrade } from '../../domain/entities/upgrade.js';
import { SavepointDirectoryMissingError } from '../../domain/errors.js';
import { PlanRefusedError } from '../../domain/plan-errors.js';
import { UpgradeInProgressError, UpgradeNotPossibleError } from '../../domain/upgrade-errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { JobDefinitionService } from '../../domain/services/job-definition-service.js';
import { JobVersionService } from '../../domain/services/job-version-service.js';
import { UpgradeRequests } from '../../domain/services/upgrades/upgrade-requests.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { InMemoryUpgradeRepository } from './fakes/in-memory-upgrade-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';

const audit = anAuditContext();
const NOW = new Date('2026-01-01T00:01:00.000Z');
const STABLE_MS = 10_000;

const upgradeAt = (state: Upgrade['state'], mode: Upgrade['mode'] = 'savepoint'): Upgrade => ({
  id: 'u1', jobId: 'j1', mode, state, fromVersion: 1, toVersion: 2, oldExecutionId: 'old', newExecutionId: 'new',
  rollbackExecutionId: 'back', restoredFrom: null, rolledBack: false, error: { code: 'FLINK_JOB_FAILED', message: 'boom' },
  requestedBy: 'k', createdAt: NOW, updatedAt: NOW,
});

const run = (status: ExecutionStatus, changes: Partial<Execution> = {}): Execution => ({
  ...newExecution({ id: 'r', jobId: 'j1', trigger: 'manual', now: NOW }),
  status,
  ...changes,
});

describe('nextUpgradeStep: the upgrade state machine', () => {
  const since = (ms: number) => new Date(NOW.getTime() - ms);
  it.each([
    ['STOPPING, old run still stopping', upgradeAt('STOPPING'), { old: run('STOPPING') }, { kind: 'wait' }],
    ['STOPPING, stopped with savepoint', upgradeAt('STOPPING'), { old: run('STOPPED', { savepointPath: 'file:/sp/1' }) }, { kind: 'start', fromStopSavepoint: 'file:/sp/1' }],
    ['STOPPING, cancelled for last-state', upgradeAt('STOPPING', 'last-state'), { old: run('STOPPED') }, { kind: 'start', fromStopSavepoint: null }],
    ['STOPPING, cancelled for stateless', upgradeAt('STOPPING', 'stateless'), { old: run('STOPPED') }, { kind: 'start', fromStopSavepoint: null }],
    ['STARTING, new run launching', upgradeAt('STARTING'), { started: run('SUBMITTING') }, { kind: 'wait' }],
    ['STARTING, RUNNING within the window', upgradeAt('STARTING'), { started: run('RUNNING', { startedAt: since(STABLE_MS - 1) }) }, { kind: 'wait' }],
    ['STARTING, RUNNING for the window', upgradeAt('STARTING'), { started: run('RUNNING', { startedAt: since(STABLE_MS) }) }, { kind: 'succeed' }],
    ['STARTING, bounded run finished', upgradeAt('STARTING'), { started: run('SUCCEEDED') }, { kind: 'succeed' }],
    ['ROLLING_BACK, rollback launching', upgradeAt('ROLLING_BACK'), { rollback: run('UPLOADING') }, { kind: 'wait' }],
    ['ROLLING_BACK, rollback RUNNING', upgradeAt('ROLLING_BACK'), { rollback: run('RUNNING') }, { kind: 'fail', error: { code: 'FLINK_JOB_FAILED', message: 'boom' }, rolledBack: true }],
  ] as const)('%s', (_name, upgrade, runs, step) => {
    expect(nextUpgradeStep(upgrade, runs, NOW, STABLE_MS)).toEqual(step);
  });

  it('rolls back from the newest state when the savepoint stop ended without a savepoint', () => {
    const old = run('FAILED', { id: 'old', error: { code: 'SAVEPOINT_FAILED', message: 'went down' } });
    expect(nextUpgradeStep(upgradeAt('STOPPING'), { old }, NOW, STABLE_MS)).toEqual({
      kind: 'roll-back', cause: { code: 'UPGRADE_SAVEPOINT_FAILED', message: 'went down' }, failedRunId: 'old', latestState: true,
    });
  });

  it('fails with UPGRADE_SAVEPOINT_FAILED quoting the history when the stop was abandoned', () => {
    const history = [{ status: 'RUNNING' as const, at: NOW, detail: 'upgrade abandoned, the run goes on: savepoint failed: disk full' }];
    const step = nextUpgradeStep(upgradeAt('STOPPING'), { old: run('RUNNING', { history }) }, NOW, STABLE_MS);
    expect(step).toMatchObject({ kind: 'fail', rolledBack: false, error: { code: 'UPGRADE_SAVEPOINT_FAILED' } });
    expect(step.kind === 'fail' && step.error.message).toContain('savepoint failed: disk full');
  });

  it("rolls back with the new run's error when it fails, and gives up when the rollback fails too", () => {
    const failed = run('FAILED', { id: 'new', error: { code: 'FLINK_JOB_FAILED', message: 'state does not fit' } });
    expect(nextUpgradeStep(upgradeAt('STARTING'), { started: failed }, NOW, STABLE_MS)).toEqual({
      kind: 'roll-back', cause: failed.error, failedRunId: 'new', latestState: false,
    });
    const rollback = run('FAILED', { error: { code: 'FLINK_SUBMIT_FAILED', message: 'no' } });
    expect(nextUpgradeStep(upgradeAt('ROLLING_BACK'), { rollback }, NOW, STABLE_MS)).toMatchObject({
      kind: 'fail', rolledBack: false, error: { code: 'UPGRADE_ROLLBACK_FAILED' },
    });
  });
});

/** The upgrade's pieces over in-memory repositories and a Flink cluster the test moves by hand. */
async function setup(savepointDir: string | null = 'file:///sp') {
  const clock = new FixedClock();
  const ids = new SequentialIds();
  const versions = new InMemoryJobVersionRepository();
  const executions = new InMemoryExecutionRepository();
  const upgrades = new InMemoryUpgradeRepository();
  const flink = new FakeFlinkCluster();
  const tasks = new RecordedTasks();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const savepointPorts = inMemorySavepointPorts();
  const { unitOfWork, outbox } = inMemoryUnitOfWork({ jobs, versions, executions, schedules, upgrades, savepoints: savepointPorts.savepoints });
  const ports = { ...savepointPorts, versions, jobs, executions, schedules, unitOfWork, artifacts: new FakeArtifactSource(), flink, uploads: new InMemoryJarUploadRegistry(), tasks, clock, ids, cron: new CronerCalculator() };
  const settings = { savepointDir, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: STABLE_MS };
  const units = createExecutionUnits(ports, settings);
  const changes = new AuditedChanges(unitOfWork, clock, ids);
  const definitions = new JobDefinitionService(jobs, changes, clock, ids, new FakeArtifactSource(), new CronerCalculator());
  const requests = new UpgradeRequests(jobs, executions, upgrades, definitions, new JobVersionService(jobs, versions, definitions), units.definitions, units.plans, changes, (id) => units.follower.request(id), settings, clock, ids);
  const job = createJob(aJobDefinition({ entryClass: 'com.example.V1' }), ids.newId(), clock.now());
  await jobs.insert(job);
  await versions.append(versionOf(job, 'test-key'));
  const running = await units.service.startJob(job.id, {}, audit);
  await tasks.runRecorded();
  const upgrade = async (entryClass = 'com.example.V2', mode: 'savepoint' | 'last-state' | 'stateless' = 'savepoint') => {
    const change = await requests.replaceJob(job.id, aJobDefinition({ entryClass }), audit, { upgrade: mode });
    await tasks.runRecorded();
    return change.upgrade!;
  };
  const advance = async () => {
    await units.upgrades.advanceUpgrades();
    await tasks.runRecorded();
  };
  return { clock, jobs, executions, upgrades, flink, units, requests, job, running, upgrade, advance, outbox, tasks };
}

describe('an upgrade carried out with in-memory fakes', () => {
  it('stops the old run with a savepoint, starts the new version from it, and succeeds after the stable window', async () => {
    const { clock, executions, upgrades, flink, units, running, upgrade, advance, outbox, jobs, job } = await setup();
    const started = await upgrade();
    expect(await executions.findById(running.id)).toMatchObject({ status: 'STOPPING', stopRequest: { reason: 'upgrade', upgradeId: started.id } });
    flink.savepoint = { kind: 'completed', location: 'file:///sp/savepoint-1' };
    await units.follower.followUp(running.id);
    flink.jobs.set(running.flinkJobId, 'finished');
    await units.follower.followUp(running.id);
    expect(await executions.findById(running.id)).toMatchObject({ status: 'STOPPED', savepointPath: 'file:///sp/savepoint-1' });

    await advance();
    const starting = (await upgrades.findById(started.id))!;
    expect(starting).toMatchObject({ state: 'STARTING', restoredFrom: { savepointPath: 'file:///sp/savepoint-1' } });
    const fresh = (await executions.findById(starting.newExecutionId!))!;
    expect(fresh).toMatchObject({ status: 'RUNNING', trigger: 'upgrade', upgradeOf: running.id, jobVersion: 2 });
    expect(flink.runs.at(-1)).toMatchObject({ entryClass: 'com.example.V2', restore: { savepointPath: 'file:///sp/savepoint-1' } });

    await advance();
    expect((await upgrades.findById(started.id))!.state).toBe('STARTING');
    clock.advance(STABLE_MS);
    await advance();
    expect((await upgrades.findById(started.id))!.state).toBe('SUCCEEDED');
    expect(outbox.events.map((event) => event.type)).toEqual(expect.arrayContaining(['upgrade.started', 'upgrade.succeeded']));
    expect((await jobs.findById(job.id))!.version).toBe(2);
  });

  it('rolls back to the old version from the same savepoint when the new run fails, and puts the old definition back', async () => {
    const { executions, upgrades, flink, units, running, upgrade, advance, jobs, job } = await setup();
    const started = await upgrade();
    flink.savepoint = { kind: 'completed', location: 'file:///sp/savepoint-2' };
    await units.follower.followUp(running.id);
    flink.jobs.set(running.flinkJobId, 'finished');
    await units.follower.followUp(running.id);
    await advance();
    const fresh = (await upgrades.findById(started.id))!.newExecutionId!;
    flink.jobs.set((await executions.findById(fresh))!.flinkJobId, 'failed');
    await units.follower.followUp(fresh);
    await advance();

    const rolling = (await upgrades.findById(started.id))!;
    expect(rolling).toMatchObject({ state: 'ROLLING_BACK', error: { code: 'FLINK_JOB_FAILED' } });
    const rollback = (await executions.findById(rolling.rollbackExecutionId!))!;
    expect(rollback).toMatchObject({ status: 'RUNNING', trigger: 'upgrade', upgradeOf: fresh, jobVersion: 1, restoredFrom: { savepointPath: 'file:///sp/savepoint-2' } });
    expect(flink.runs.at(-1)).toMatchObject({ entryClass: 'com.example.V1', restore: { savepointPath: 'file:///sp/savepoint-2' } });
    expect(await jobs.findById(job.id)).toMatchObject({ version: 3, entryClass: 'com.example.V1' });

    await advance();
    expect(await upgrades.findById(started.id)).toMatchObject({ state: 'FAILED', rolledBack: true, error: { code: 'FLINK_JOB_FAILED' } });
  });

  it('abandons the stop when the savepoint fails: the old run goes on RUNNING, never cancelled, and the upgrade fails', async () => {
    const { executions, upgrades, flink, units, running, upgrade, advance } = await setup();
    const started = await upgrade();
    flink.savepoint = { kind: 'failed', cause: 'disk full' };
    await units.follower.followUp(running.id);
    expect(flink.cancelled).toEqual([]);
    const resumed = (await executions.findById(running.id))!;
    expect(resumed).toMatchObject({ status: 'RUNNING', stopRequest: null });
    expect(resumed.history.at(-1)!.detail).toContain('savepoint failed: disk full');
    await advance();
    expect(await upgrades.findById(started.id)).toMatchObject({ state: 'FAILED', rolledBack: false, error: { code: 'UPGRADE_SAVEPOINT_FAILED' } });
  });

  it('refuses, storing nothing, a new version whose plan fails, a run that is not RUNNING, and a second upgrade', async () => {
    const { requests, executions, flink, job, running, upgrade, jobs } = await setup();
    flink.refusePlanWith = 'java.lang.ClassNotFoundException: com.example.Nope';
    const refused = requests.replaceJob(job.id, aJobDefinition({ entryClass: 'com.example.Nope' }), audit, { upgrade: 'savepoint' });
    await expect(refused).rejects.toBeInstanceOf(PlanRefusedError);
    expect(await jobs.findById(job.id)).toMatchObject({ version: 1 });
    expect((await executions.findById(running.id))!.status).toBe('RUNNING');
    flink.refusePlanWith = undefined;

    await upgrade();
    const again = requests.replaceJob(job.id, aJobDefinition(), audit, { upgrade: 'stateless' });
    await expect(again).rejects.toBeInstanceOf(UpgradeInProgressError);
  });

  it('refuses an upgrade while the run is not RUNNING (stopping already), storing nothing', async () => {
    const { requests, units, job, jobs, running, executions } = await setup();
    await units.service.stopJob(job.id, { mode: 'cancel' }, audit);
    const refused = requests.replaceJob(job.id, aJobDefinition({ entryClass: 'com.example.V2' }), audit, { upgrade: 'savepoint' });
    await expect(refused).rejects.toBeInstanceOf(UpgradeNotPossibleError);
    expect(await jobs.findById(job.id)).toMatchObject({ version: 1, entryClass: 'com.example.V1' });
    expect((await executions.findById(running.id))!.stopRequest).toMatchObject({ reason: 'user' });
  });

  it('cancels the old run for last-state and starts the new version from the newest retained checkpoint', async () => {
    const { clock, executions, upgrades, flink, units, running, upgrade, advance } = await setup();
    const started = await upgrade('com.example.V2', 'last-state');
    // The follow-up the request asked for cancels the job, and sees it cancelled: the run ends STOPPED.
    expect(flink.cancelled).toEqual([running.flinkJobId]);
    expect((await executions.findById(running.id))!.history.map((entry) => entry.detail)).toContainEqual(expect.stringContaining('(last-state): cancel'));
    await units.follower.followUp(running.id);
    expect((await executions.findById(running.id))!.status).toBe('STOPPED');
    flink.snapshots.set(running.flinkJobId, { path: 'file:///cp/chk-7', kind: 'checkpoint', completedAt: new Date() });
    // Flink's checkpoint statistics may be cached from before the end for 3 s: the newest state is looked up after.
    await advance();
    expect((await upgrades.findById(started.id))!.state).toBe('STOPPING');
    clock.advance(3_500);
    await advance();
    const starting = (await upgrades.findById(started.id))!;
    expect(starting).toMatchObject({ state: 'STARTING', restoredFrom: { savepointPath: 'file:///cp/chk-7', kind: 'checkpoint' } });
    expect(flink.runs.at(-1)).toMatchObject({ entryClass: 'com.example.V2', restore: { savepointPath: 'file:///cp/chk-7' } });
  });

  it('starts a stateless upgrade without state, and refuses savepoint mode without a savepoint folder', async () => {
    const stateless = await setup();
    await stateless.upgrade('com.example.V2', 'stateless');
    await stateless.units.follower.followUp(stateless.running.id);
    await stateless.units.follower.followUp(stateless.running.id);
    await stateless.advance();
    expect(stateless.flink.runs.at(-1)).toMatchObject({ entryClass: 'com.example.V2', restore: null });

    const { requests, job, jobs } = await setup(null);
    const refused = requests.replaceJob(job.id, aJobDefinition({ entryClass: 'com.example.V2' }), audit, { upgrade: 'savepoint' });
    await expect(refused).rejects.toBeInstanceOf(SavepointDirectoryMissingError);
    expect((await jobs.findById(job.id))!.version).toBe(1);
  });

  it('cancels a new run that kept restarting within the window, then rolls back once it ended', async () => {
    const { clock, executions, upgrades, flink, units, running, upgrade, advance } = await setup();
    const started = await upgrade();
    flink.savepoint = { kind: 'completed', location: 'file:///sp/savepoint-3' };
    await units.follower.followUp(running.id);
    flink.jobs.set(running.flinkJobId, 'finished');
    await units.follower.followUp(running.id);
    await advance();
    const fresh = (await upgrades.findById(started.id))!.newExecutionId!;
    const restart = { timestamp: null, exceptionName: 'java.lang.IllegalStateException', message: 'java.lang.IllegalStateException: state does not fit', taskName: 'map', location: null, taskManagerId: null, failureLabels: {}, stacktrace: null, stacktraceTruncated: false, concurrent: [] };
    flink.history = { exceptions: [restart], truncated: false };
    clock.advance(STABLE_MS);
    await advance();
    expect(await upgrades.findById(started.id)).toMatchObject({ state: 'ROLLING_BACK', rollbackExecutionId: null, error: { code: 'UPGRADE_RUN_UNSTABLE' } });
    expect(await executions.findById(fresh)).toMatchObject({ status: 'STOPPING', stopRequest: { mode: 'cancel', reason: 'upgrade' } });

    await units.follower.followUp(fresh);
    await units.follower.followUp(fresh);
    expect((await executions.findById(fresh))!.status).toBe('STOPPED');
    await advance();
    const rolling = (await upgrades.findById(started.id))!;
    expect(await executions.findById(rolling.rollbackExecutionId!)).toMatchObject({ status: 'RUNNING', upgradeOf: fresh, jobVersion: 1 });
    await advance();
    expect(await upgrades.findById(started.id)).toMatchObject({ state: 'FAILED', rolledBack: true, error: { code: 'UPGRADE_RUN_UNSTABLE' } });
  });
});
