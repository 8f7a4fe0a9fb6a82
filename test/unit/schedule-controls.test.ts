import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { newExecution } from '../../domain/entities/execution.js';
import { createJob, type JobDefinition } from '../../domain/entities/job.js';
import { SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../domain/entities/schedule.js';
import { ScheduleNotFoundError } from '../../domain/errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { SchedulingService } from '../../domain/services/scheduling-service.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryEventOutbox } from './fakes/in-memory-event-outbox.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';

const audit = anAuditContext({ name: 'ops-key', role: 'operator' });

/** A job with a schedule every 10 s, on fakes, with a clock the test moves. */
async function setup(controls: Partial<ScheduleDefinition>, definition: Partial<JobDefinition> = {}) {
  const clock = new FixedClock(new Date('2026-03-01T10:00:00.000Z'));
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const events = new InMemoryEventOutbox();
  const schedules = new InMemoryScheduleRepository(executions, events);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const savepointPorts = inMemorySavepointPorts();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = {
    ...savepointPorts,
    versions: new InMemoryJobVersionRepository(), jobs, executions, schedules, unitOfWork, flink, clock, ids, cron: new CronerCalculator(),
    artifacts: new FakeArtifactSource(), uploads: new InMemoryJarUploadRegistry(), tasks: new RecordedTasks(),
  };
  const settings = { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 };
  const { launcher, follower, queue } = createExecutionUnits(ports, settings);
  const changes = new AuditedChanges(unitOfWork, clock, ids);
  const noSignal = { announce: async () => {} };
  const scheduling = new SchedulingService(jobs, schedules, changes, new CronerCalculator(), clock, ids, noSignal, queue);
  const job = createJob(aJobDefinition(definition), ids.newId(), clock.now());
  await jobs.insert(job);
  await scheduling.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: '*/10 * * * * *', ...controls }, audit);
  /** Moves the clock to the next tick and fires it. */
  const tick = async () => {
    clock.advance(10_000);
    return scheduling.fireDueTicks();
  };
  const succeed = async (executionId: string) => {
    const run = (await executions.findById(executionId))!;
    flink.jobs.set(run.flinkJobId, 'finished');
    await follower.followUp(executionId);
  };
  const view = () => scheduling.getSchedule(job.id);
  const eventTypes = () => events.events.map((event) => event.type).filter((type) => type.startsWith('schedule.'));
  return { clock, executions, flink, launcher, follower, scheduling, job, tick, succeed, view, eventTypes };
}

describe('remainingRuns', () => {
  it('uses one up per started tick, not per skipped one, and ends the schedule after the last', async () => {
    const { tick, launcher, succeed, view, eventTypes } = await setup({ remainingRuns: 2 });
    const [first] = await tick();
    await launcher.launch(first!.id);
    expect((await view()).schedule.remainingRuns).toBe(1);
    const [skipped] = await tick();
    expect(skipped!.status).toBe('SKIPPED');
    expect((await view()).schedule.remainingRuns, 'a skipped tick starts no run').toBe(1);
    await succeed(first!.id);

    const [last] = await tick();
    expect(last!.status).toBe('PENDING');
    const ended = await view();
    expect(ended).toMatchObject({ ended: true, nextRunTimes: [] });
    expect(ended.schedule).toMatchObject({ remainingRuns: 0, nextFireAt: null });
    expect(eventTypes()).toEqual(['schedule.ended']);
    expect(await tick(), 'an ended schedule fires no more').toEqual([]);
  });
});

describe('triggering a schedule now', () => {
  it('runs a tick of a paused schedule at the time asked, by the caller, leaving its own ticks alone', async () => {
    const { scheduling, clock, job, view, launcher } = await setup({ remainingRuns: 5 });
    await scheduling.pauseSchedule(job.id, 'maintenance', audit);
    clock.advance(2_500);
    const run = await scheduling.triggerSchedule(job.id, audit);
    expect(run).toMatchObject({ status: 'PENDING', trigger: 'schedule', scheduledFor: clock.now(), requestedBy: 'ops-key' });
    const after = await view();
    expect(after.schedule).toMatchObject({ paused: true, pauseNote: 'maintenance', remainingRuns: 4, lastFireAt: clock.now() });
    expect(after.schedule.nextFireAt).toEqual(new Date('2026-03-01T10:00:10.000Z'));

    await launcher.launch(run.id);
    clock.advance(1);
    const skipped = await scheduling.triggerSchedule(job.id, audit);
    expect(skipped, 'the overlap policy (skip) applies').toMatchObject({ status: 'SKIPPED', error: { code: 'OVERLAP' } });
    expect((await view()).schedule.counters).toMatchObject({ runsStarted: 1, ticksSkipped: 1 });
  });

  it('queues behind the active run under buffer_one', async () => {
    const { scheduling, job, tick, launcher } = await setup({ overlapPolicy: 'buffer_one' });
    const [first] = await tick();
    await launcher.launch(first!.id);
    expect((await scheduling.triggerSchedule(job.id, audit)).status).toBe('QUEUED');
  });

  it('refuses a job without a schedule', async () => {
    const { scheduling, job } = await setup({});
    await scheduling.deleteSchedule(job.id, audit);
    await expect(scheduling.triggerSchedule(job.id, audit)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

describe('pauseAfterFailures', () => {
  it('pauses after n scheduled runs in a row failed, naming them; a success starts the count again', async () => {
    const { tick, launcher, flink, succeed, view, eventTypes } = await setup({ pauseAfterFailures: 2 });
    flink.refuseRunWith = 'java.lang.IllegalStateException: no input';
    const [a] = await tick();
    await launcher.launch(a!.id);
    flink.refuseRunWith = undefined;
    const [b] = await tick();
    await launcher.launch(b!.id);
    await succeed(b!.id);
    expect((await view()).schedule.counters.consecutiveFailures, 'a success resets the count').toBe(0);

    flink.refuseRunWith = 'java.lang.IllegalStateException: no input';
    const [c] = await tick();
    await launcher.launch(c!.id);
    expect((await view()).schedule).toMatchObject({ paused: false, counters: { consecutiveFailures: 1 } });
    const [d] = await tick();
    await launcher.launch(d!.id);
    const paused = (await view()).schedule;
    expect(paused).toMatchObject({ paused: true, counters: { consecutiveFailures: 2 } });
    expect(paused.pauseNote).toBe(`paused after 2 failed runs in a row: ${c!.id}, ${d!.id}`);
    expect(eventTypes()).toEqual(['schedule.paused']);
    expect(await tick(), 'paused: no more ticks').toEqual([]);
  });

  it('counts a failure only once its retries are exhausted', async () => {
    const retrying = { retryPolicy: { maxAttempts: 2, backoffSeconds: 1, backoffMultiplier: 1, maxBackoffSeconds: 1 } };
    const { tick, launcher, flink, view, executions, job } = await setup({ pauseAfterFailures: 1 }, retrying);
    flink.refuseRunWith = 'java.lang.IllegalStateException: no input';
    const [first] = await tick();
    await launcher.launch(first!.id);
    expect((await view()).schedule).toMatchObject({ paused: false, counters: { consecutiveFailures: 0 } });
    const [retry] = await executions.findQueuedForJob(job.id);
    await executions.save({ ...retry!, status: 'PENDING', queue: null });
    await launcher.launch(retry!.id);
    expect((await view()).schedule).toMatchObject({ paused: true, counters: { consecutiveFailures: 1 } });
  });

  it('does not count manual runs, which carry a scheduledFor too', async () => {
    const { launcher, flink, view, job, clock, executions } = await setup({ pauseAfterFailures: 1 });
    flink.refuseRunWith = 'java.lang.IllegalStateException: no input';
    const manual = newExecution({
      id: '00000000-0000-4000-8000-0000000000ff',
      jobId: job.id,
      trigger: 'manual',
      scheduledFor: clock.now(),
      now: clock.now(),
    });
    await executions.insert(manual, { exclusive: true });
    await launcher.launch(manual.id);
    expect((await executions.findById(manual.id))!.status).toBe('FAILED');
    expect((await view()).schedule).toMatchObject({ paused: false, counters: { consecutiveFailures: 0 } });
  });
});

describe('deadlineSeconds', () => {
  it('marks a run still going past its deadline once, counts it, and lets it run on', async () => {
    const { tick, launcher, follower, clock, executions, view, succeed } = await setup({ deadlineSeconds: 30 });
    const [run] = await tick();
    expect(run!.deadlineAt).toEqual(new Date('2026-03-01T10:00:40.000Z'));
    await launcher.launch(run!.id);
    clock.advance(29_000);
    await follower.followUp(run!.id);
    expect((await executions.findById(run!.id))!.deadlineMissed).toBe(false);

    clock.advance(2_000);
    await follower.followUp(run!.id);
    await follower.followUp(run!.id);
    expect(await executions.findById(run!.id)).toMatchObject({ status: 'RUNNING', deadlineMissed: true });
    await succeed(run!.id);
    expect(await executions.findById(run!.id)).toMatchObject({ status: 'SUCCEEDED', deadlineMissed: true });
    expect((await view()).schedule.counters.deadlinesMissed, 'counted once').toBe(1);
  });

  it('marks a run that ends after its deadline unnoticed when it ends, and not one that ends in time', async () => {
    const { tick, launcher, flink, clock, executions, view, succeed } = await setup({ deadlineSeconds: 30 });
    const [inTime] = await tick();
    await launcher.launch(inTime!.id);
    await succeed(inTime!.id);
    expect((await executions.findById(inTime!.id))!.deadlineMissed).toBe(false);

    const [late] = await tick();
    clock.advance(45_000);
    flink.refuseRunWith = 'java.lang.IllegalStateException: no input';
    await launcher.launch(late!.id); // fails at submission, never followed up
    expect(await executions.findById(late!.id)).toMatchObject({ status: 'FAILED', deadlineMissed: true });
    expect((await view()).schedule.counters.deadlinesMissed).toBe(1);
  });
});
