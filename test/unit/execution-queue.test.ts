import { describe, expect, it } from 'vitest';
import { versionOf, definitionOf } from '../../domain/entities/job-version.js';
import { createJob, replaceJob, type JobDefinition } from '../../domain/entities/job.js';
import { SCHEDULE_DEFAULTS, type OverlapPolicy } from '../../domain/entities/schedule.js';
import { ArtifactError, ExecutionAlreadyRetriedError, ExecutionNotFailedError } from '../../domain/errors.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import type { ExecutionSettings } from '../../domain/services/executions/execution-settings.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { SchedulingService } from '../../domain/services/scheduling-service.js';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { anAuditContext } from '../support/audit-contexts.js';

const audit = anAuditContext();

const settings: ExecutionSettings = { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 };

/** When the manual runs of these tests start: the clock's time. */
const STARTED_AT = '2026-03-01T10:00:00.000Z';

/** Everything a run goes through, on fakes, with a clock the test moves: ticks, the queue, launches, follow-ups. */
async function setup(definition: Partial<JobDefinition> = {}, runSettings: ExecutionSettings = settings) {
  const clock = new FixedClock(new Date(STARTED_AT));
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const artifacts = new FakeArtifactSource();
  const dispatched = new RecordedTasks();
  const uploads = new InMemoryJarUploadRegistry();
  const savepointPorts = inMemorySavepointPorts();
  const versions = new InMemoryJobVersionRepository();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, versions, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = { ...savepointPorts, versions, jobs, executions, schedules, unitOfWork, artifacts, flink, uploads, tasks: dispatched, clock, ids, cron: new CronerCalculator() };
  const { launcher, follower, service, queue } = createExecutionUnits(ports, runSettings);
  const noSignal = { announce: async () => {} };
  const changes = new AuditedChanges(unitOfWork, clock, ids);
  const scheduling = new SchedulingService(jobs, schedules, changes, new CronerCalculator(), clock, ids, noSignal, queue);
  const job = createJob(aJobDefinition(definition), ids.newId(), clock.now());
  await jobs.insert(job);
  const runs = async () =>
    (await executions.list({ jobId: job.id, limit: 100 })).reverse().map((run) => ({
      status: run.status,
      trigger: run.trigger,
      attempt: run.attempt,
      scheduledFor: run.scheduledFor?.toISOString() ?? null,
    }));
  const schedule = (overlapPolicy: OverlapPolicy) =>
    scheduling.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: '*/10 * * * * *', overlapPolicy }, audit);
  /** Moves the clock to the next tick (every 10 s) and fires it. */
  const tick = async () => {
    clock.advance(10_000);
    const fired = await scheduling.fireDueTicks();
    await queue.startFired(fired); // as the scheduler loop does
    return fired;
  };
  return { clock, jobs, versions, executions, flink, artifacts, dispatched, launcher, follower, service, queue, scheduling, job, runs, schedule, tick };
}

describe('retries', () => {
  const retrying = { retryPolicy: { maxAttempts: 3, backoffSeconds: 10, backoffMultiplier: 2, maxBackoffSeconds: 3600 } };

  it('queues a failed run again after its back-off, as the next attempt of the same tick, until maxAttempts', async () => {
    const { service, launcher, queue, flink, clock, executions, dispatched, job, schedule, tick } = await setup(retrying);
    await schedule('skip');
    const [first] = await tick();
    flink.refuseRunWith = 'java.lang.IllegalArgumentException: bad input path';
    await launcher.launch(first!.id);

    const [retry] = await executions.findQueuedForJob(job.id);
    expect(retry).toMatchObject({
      status: 'QUEUED',
      trigger: 'retry',
      attempt: 2,
      scheduledFor: first!.scheduledFor,
      retryOf: first!.id,
      queue: { notBefore: new Date(clock.now().getTime() + 10_000), stopActive: false },
    });
    clock.advance(9_999);
    expect(await queue.startDue(), 'not before the back-off').toEqual([]);
    clock.advance(1);
    expect((await queue.startDue()).map((run) => [run.id, run.status])).toEqual([[retry!.id, 'PENDING']]);
    expect(dispatched.launch).toContain(retry!.id);

    await launcher.launch(retry!.id);
    const [third] = await executions.findQueuedForJob(job.id);
    expect(third, 'the second wait doubles').toMatchObject({
      attempt: 3,
      queue: { notBefore: new Date(clock.now().getTime() + 20_000) },
    });
    clock.advance(20_000);
    await queue.startDue();
    await launcher.launch(third!.id);
    expect(await executions.findQueuedForJob(job.id), 'attempt 3 of 3 is the last').toEqual([]);
    expect((await service.getExecution(third!.id)).status).toBe('FAILED');
  });

  it('launches a retry that waited out its back-off with the version its run had, though the job was replaced', async () => {
    const { service, launcher, queue, flink, clock, executions, jobs, versions, job } = await setup({ ...retrying, entryClass: 'com.example.V1' });
    await versions.append(versionOf(job, null));
    const first = await service.startJob(job.id, {}, audit);
    flink.refuseRunWith = 'java.lang.IllegalArgumentException: bad input path';
    await launcher.launch(first.id);
    flink.refuseRunWith = undefined;
    const replaced = await jobs.update(job.id, (current) => replaceJob(current, { ...definitionOf(current), entryClass: 'com.example.V2' }, clock.now()));
    await versions.append(versionOf(replaced!, null));

    clock.advance(10_000);
    const [retry] = await queue.startDue();
    expect(retry).toMatchObject({ trigger: 'retry', jobVersion: 1 });
    await launcher.launch(retry!.id);
    // The fake keeps the run requests it accepted: the retry's alone.
    expect(flink.runs.map((run) => [run.jobId, run.entryClass])).toEqual([[retry!.flinkJobId, 'com.example.V1']]);
    expect(await executions.findById(retry!.id)).toMatchObject({ status: 'RUNNING', jobVersion: 1 });
  });

  it('does not retry a stop, a success, a refused JAR location, or a job whose policy says one attempt', async () => {
    const stopped = await setup(retrying);
    const run = await stopped.service.startJob(stopped.job.id, {}, audit);
    await stopped.launcher.launch(run.id);
    await stopped.service.stopJob(stopped.job.id, { mode: 'cancel' }, audit);
    await stopped.follower.followUp(run.id);
    await stopped.follower.followUp(run.id);
    expect(await stopped.runs()).toEqual([{ status: 'STOPPED', trigger: 'manual', attempt: 1, scheduledFor: STARTED_AT }]);

    const refused = await setup(retrying);
    refused.artifacts.failWith = new ArtifactError('JAR_URL_NOT_ALLOWED', 'host not allowed');
    await refused.launcher.launch((await refused.service.startJob(refused.job.id, {}, audit)).id);
    expect(await refused.runs()).toEqual([{ status: 'FAILED', trigger: 'manual', attempt: 1, scheduledFor: STARTED_AT }]);

    const once = await setup();
    once.artifacts.failWith = new ArtifactError('JAR_DOWNLOAD_FAILED', 'HTTP 503');
    await once.launcher.launch((await once.service.startJob(once.job.id, {}, audit)).id);
    expect(await once.runs()).toEqual([{ status: 'FAILED', trigger: 'manual', attempt: 1, scheduledFor: STARTED_AT }]);
  });

  it('retries a failed run by hand at once, once, and refuses a run that did not fail', async () => {
    const { service, launcher, artifacts, dispatched, job } = await setup();
    const run = await service.startJob(job.id, {}, audit);
    await expect(service.retryExecution(run.id, audit)).rejects.toBeInstanceOf(ExecutionNotFailedError);
    artifacts.failWith = new ArtifactError('JAR_DOWNLOAD_FAILED', 'HTTP 503');
    await launcher.launch(run.id);

    const retry = await service.retryExecution(run.id, audit);
    // A manual run is for the time it started; its retry is for the same instant.
    expect(retry).toMatchObject({ status: 'PENDING', trigger: 'retry', attempt: 2, retryOf: run.id, scheduledFor: run.scheduledFor });
    expect(run.scheduledFor).toEqual(new Date(STARTED_AT));
    expect(dispatched.launch).toContain(retry.id);
    const again = service.retryExecution(run.id, audit);
    await expect(again).rejects.toBeInstanceOf(ExecutionAlreadyRetriedError);
    await expect(again).rejects.toThrow(retry.id);
  });
});

describe('overlap policies that wait', () => {
  it('buffer_one: a tick during a run waits for it, a further tick is skipped, and the waiting one starts after', async () => {
    const { launcher, follower, queue, flink, tick, schedule, runs, executions } = await setup();
    await schedule('buffer_one');
    const [first] = await tick();
    await launcher.launch(first!.id);
    await tick();
    await tick();
    expect(await runs()).toEqual([
      { status: 'RUNNING', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:10.000Z' },
      { status: 'QUEUED', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:20.000Z' },
      { status: 'SKIPPED', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:30.000Z' },
    ]);
    expect(await queue.startDue(), 'not while the first run is active').toEqual([]);

    flink.jobs.set(first!.flinkJobId, 'finished');
    await follower.followUp(first!.id);
    const started = await queue.startDue();
    expect(started.map((run) => run.scheduledFor?.toISOString())).toEqual(['2026-03-01T10:00:20.000Z']);
    expect((await executions.findById(started[0]!.id))!.status).toBe('PENDING');
  });

  it('cancel_other: a tick stops the active run, drops the one queued before it, and starts once the job is free', async () => {
    const { launcher, follower, queue, flink, tick, schedule, runs, dispatched, executions } = await setup();
    await schedule('cancel_other');
    const [first] = await tick();
    await launcher.launch(first!.id);
    await tick();
    await tick(); // a second waiting tick: the first waiting one is dropped for it
    const waiting = await queue.startDue();
    expect(waiting, 'nothing starts while the old run stops').toEqual([]);
    expect(await runs()).toEqual([
      { status: 'STOPPING', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:10.000Z' },
      { status: 'STOPPED', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:20.000Z' },
      { status: 'QUEUED', trigger: 'schedule', attempt: 1, scheduledFor: '2026-03-01T10:00:30.000Z' },
    ]);
    const stopping = (await executions.findById(first!.id))!;
    expect(stopping.stopRequest).toMatchObject({ mode: 'cancel', reason: 'replaced' });
    expect(dispatched.followUp).toContain(first!.id);

    await follower.followUp(first!.id); // carries the cancel out on Flink
    await follower.followUp(first!.id); // sees it cancelled
    expect(flink.cancelled).toEqual([first!.flinkJobId]);
    const started = await queue.startDue();
    expect(started.map((run) => run.scheduledFor?.toISOString())).toEqual(['2026-03-01T10:00:30.000Z']);
    expect((await runs())[0]!.status).toBe('STOPPED');
  });

  it('a stop also drops the runs waiting in the queue', async () => {
    const { launcher, service, tick, schedule, runs, job } = await setup();
    await schedule('buffer_one');
    const [first] = await tick();
    await launcher.launch(first!.id);
    await tick();
    await service.stopJob(job.id, { mode: 'cancel' }, audit);
    expect((await runs()).map((run) => run.status)).toEqual(['STOPPING', 'STOPPED']);
  });

  it('drops a queued run whose job was deleted instead of starting it', async () => {
    const { launcher, follower, queue, flink, tick, schedule, runs, jobs, job, clock } = await setup();
    await schedule('buffer_one');
    const [first] = await tick();
    await launcher.launch(first!.id);
    await tick();
    flink.jobs.set(first!.flinkJobId, 'finished');
    await follower.followUp(first!.id);
    await jobs.remove(job.id, clock.now());
    expect(await queue.startDue()).toEqual([]);
    expect((await runs()).map((run) => run.status)).toEqual(['SUCCEEDED', 'STOPPED']);
  });

  it('allow: a manual start is accepted while a scheduled run is active', async () => {
    const { launcher, service, tick, schedule, runs, job } = await setup();
    await schedule('allow');
    const [first] = await tick();
    await launcher.launch(first!.id);
    const manual = await service.startJob(job.id, {}, audit);
    expect(manual.status).toBe('PENDING');
    expect((await runs()).map((run) => [run.trigger, run.status])).toEqual([
      ['schedule', 'RUNNING'],
      ['manual', 'PENDING'],
    ]);
  });
});
