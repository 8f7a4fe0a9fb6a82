import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { createJob, type JobDefinition } from '../../domain/entities/job.js';
import { JobNotRunningError } from '../../domain/errors.js';
import { SavepointPendingError } from '../../domain/savepoint-errors.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
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
import { RecordedTasks } from './fakes/recorded-tasks.js';

const audit = anAuditContext();

async function setup(definition: Partial<JobDefinition> = {}) {
  const clock = new FixedClock();
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const tasks = new RecordedTasks();
  const ports = inMemorySavepointPorts();
  const { unitOfWork, outbox, trail } = inMemoryUnitOfWork({ jobs, executions, schedules, savepoints: ports.savepoints });
  const units = createExecutionUnits(
    { ...ports, versions: new InMemoryJobVersionRepository(), jobs, executions, schedules, unitOfWork, flink, clock, ids, tasks, cron: new CronerCalculator(), artifacts: new FakeArtifactSource(), uploads: new InMemoryJarUploadRegistry() },
    { savepointDir: 'file:///sp', stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 },
  );
  const job = createJob(aJobDefinition({ config: { mode: 'unbounded' }, ...definition }), ids.newId(), clock.now());
  await jobs.insert(job);
  const startRun = async () => {
    const execution = await units.service.startJob(job.id, {}, audit);
    await tasks.runRecorded();
    return (await executions.findById(execution.id))!;
  };
  const eventTypes = () => outbox.events.map((event) => event.type).filter((type) => type.startsWith('savepoint.'));
  return { clock, flink, job, units, startRun, eventTypes, trail, ...ports };
}

describe('a savepoint asked for by hand', () => {
  it('is triggered on the running job, PENDING, and completes at the next follow-up, with its event', async () => {
    const { units, job, startRun, flink, eventTypes, trail } = await setup();
    const run = await startRun();
    const savepoint = await units.savepoints.triggerSavepoint(job.id, audit);
    expect(savepoint).toMatchObject({ status: 'PENDING', origin: 'MANUAL', executionId: run.id, jobVersion: job.version });
    expect(flink.triggeredSavepoints).toEqual([{ jobId: run.flinkJobId, targetDirectory: 'file:///sp' }]);
    expect(trail.events.at(-1)).toMatchObject({ action: audit.action, resourceId: job.id });

    await units.follower.followUp(run.id);
    expect((await units.savepoints.getSavepoint(savepoint.id)).status).toBe('PENDING');
    flink.savepoint = { kind: 'completed', location: 'file:/sp/savepoint-1' };
    await units.follower.followUp(run.id);
    expect(await units.savepoints.getSavepoint(savepoint.id)).toMatchObject({ status: 'COMPLETED', path: 'file:/sp/savepoint-1' });
    expect(eventTypes()).toEqual(['savepoint.triggered', 'savepoint.completed']);
  });

  it("fails with Flink's cause when Flink refuses it or the savepoint fails", async () => {
    const { units, job, startRun, flink, eventTypes } = await setup();
    const run = await startRun();
    flink.refuseSavepointWith = 'Flink answered POST /jobs/x/savepoints with 400: no checkpoint storage';
    const refused = await units.savepoints.triggerSavepoint(job.id, audit);
    expect(refused).toMatchObject({ status: 'FAILED', error: expect.stringContaining('no checkpoint storage') });
    flink.refuseSavepointWith = undefined;
    const failing = await units.savepoints.triggerSavepoint(job.id, audit);
    flink.savepointsByTrigger.set(failing.triggerId!, { kind: 'failed', cause: 'Task has failed' });
    await units.follower.followUp(run.id);
    expect(await units.savepoints.getSavepoint(failing.id)).toMatchObject({ status: 'FAILED', error: 'Task has failed' });
    expect(eventTypes()).toEqual(['savepoint.triggered', 'savepoint.failed', 'savepoint.triggered', 'savepoint.failed']);
  });

  it('is refused with JOB_NOT_RUNNING when the job has no running execution', async () => {
    const { units, job } = await setup();
    await expect(units.savepoints.triggerSavepoint(job.id, audit)).rejects.toBeInstanceOf(JobNotRunningError);
  });

  it('fails when the run ends before it completed', async () => {
    const { units, job, startRun, flink } = await setup();
    const run = await startRun();
    const savepoint = await units.savepoints.triggerSavepoint(job.id, audit);
    flink.jobs.set(run.flinkJobId, 'failed');
    await units.follower.followUp(run.id);
    expect(await units.savepoints.getSavepoint(savepoint.id)).toMatchObject({ status: 'FAILED', error: 'The run ended before the savepoint completed' });
  });
});

describe('the savepoint of a stop', () => {
  it('is recorded with origin STOP and completes with the path the run ends with', async () => {
    const { units, job, startRun, flink, savepoints } = await setup();
    const run = await startRun();
    await units.service.stopJob(job.id, {}, audit);
    await units.follower.followUp(run.id);
    flink.savepoint = { kind: 'completed', location: 'file:/sp/savepoint-stop' };
    flink.jobs.set(run.flinkJobId, 'finished');
    await units.follower.followUp(run.id);
    const [stop] = await savepoints.listForJob(job.id, { limit: 10 });
    expect(stop).toMatchObject({ origin: 'STOP', status: 'COMPLETED', path: 'file:/sp/savepoint-stop', executionId: run.id });
  });

  it('is FAILED with the cause when the savepoint fails (the stop cancels instead)', async () => {
    const { units, job, startRun, flink, savepoints } = await setup();
    const run = await startRun();
    await units.service.stopJob(job.id, {}, audit);
    await units.follower.followUp(run.id);
    flink.savepoint = { kind: 'failed', cause: 'disk full' };
    await units.follower.followUp(run.id);
    const [stop] = await savepoints.listForJob(job.id, { limit: 10 });
    expect(stop).toMatchObject({ origin: 'STOP', status: 'FAILED', error: 'disk full' });
  });

  it('is FAILED with the cause when Flink refuses to start it (the stop cancels instead)', async () => {
    const { units, job, startRun, flink, savepoints } = await setup();
    const run = await startRun();
    flink.refuseSavepointWith = 'Flink answered POST /jobs/x/stop with 500: no checkpoint storage';
    await units.service.stopJob(job.id, {}, audit);
    await units.follower.followUp(run.id);
    const [stop] = await savepoints.listForJob(job.id, { limit: 10 });
    expect(stop).toMatchObject({ origin: 'STOP', status: 'FAILED', error: expect.stringContaining('no checkpoint storage') });
    expect(flink.cancelled).toEqual([run.flinkJobId]);
  });
});

describe('periodic savepoints', () => {
  const hourly = { savepointPolicy: { intervalSeconds: 3600, cron: null, maxCount: 2, maxAgeSeconds: null } };

  it('are triggered once per due time while the run is active, and retention keeps maxCount', async () => {
    const { units, startRun, flink, clock, savepoints, savepointFiles, job } = await setup(hourly);
    const run = await startRun();
    await units.follower.followUp(run.id);
    expect(flink.triggeredSavepoints).toHaveLength(0);
    for (let hour = 1; hour <= 3; hour++) {
      clock.advance(3600_000);
      await units.follower.followUp(run.id);
      // Asked again before the due time moved on: nothing more.
      await units.follower.followUp(run.id);
      expect(flink.triggeredSavepoints).toHaveLength(hour);
      const location = `file:/sp/periodic-${hour}`;
      savepointFiles.folders.add(location);
      flink.savepoint = { kind: 'completed', location };
      await units.follower.followUp(run.id);
      flink.savepoint = { kind: 'in-progress' };
    }
    const all = await savepoints.listForJob(job.id, { limit: 10 });
    expect(all.map((savepoint) => [savepoint.origin, savepoint.status, savepoint.path])).toEqual([
      ['PERIODIC', 'COMPLETED', 'file:/sp/periodic-3'],
      ['PERIODIC', 'COMPLETED', 'file:/sp/periodic-2'],
      ['PERIODIC', 'DISPOSED', 'file:/sp/periodic-1'],
    ]);
    expect(savepointFiles.removed).toEqual(['file:/sp/periodic-1']);
  });
});

describe('disposing of a savepoint', () => {
  it('refuses a PENDING one, removes a reachable folder, and keeps the files of any other path', async () => {
    const { units, job, startRun, flink, savepointFiles, eventTypes } = await setup();
    const run = await startRun();
    const pending = await units.savepoints.triggerSavepoint(job.id, audit);
    await expect(units.savepoints.disposeSavepoint(pending.id, audit)).rejects.toBeInstanceOf(SavepointPendingError);
    savepointFiles.folders.add('file:/sp/one');
    flink.savepoint = { kind: 'completed', location: 'file:/sp/one' };
    await units.follower.followUp(run.id);
    const removed = await units.savepoints.disposeSavepoint(pending.id, audit);
    expect(removed).toMatchObject({ filesRemoved: true, savepoint: { status: 'DISPOSED' } });

    flink.savepoint = { kind: 'completed', location: 's3://bucket/sp/two' };
    const other = await units.savepoints.triggerSavepoint(job.id, audit);
    await units.follower.followUp(run.id);
    const kept = await units.savepoints.disposeSavepoint(other.id, audit);
    expect(kept).toMatchObject({ filesRemoved: false, savepoint: { status: 'DISPOSED' } });
    expect(kept.message).toContain('the files remain at s3://bucket/sp/two');
    expect(eventTypes().filter((type) => type === 'savepoint.disposed')).toHaveLength(2);
  });
});
