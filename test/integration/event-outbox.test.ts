import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleScheduleRepository } from '../../adapters/output/repository/drizzle-schedule-repository.js';
import { DrizzleUnitOfWork } from '../../adapters/output/repository/drizzle-unit-of-work.js';
import { rowsOf } from '../../adapters/output/repository/database.js';
import { DrizzleEventOutbox } from '../../adapters/output/repository/event-outbox.js';
import { DrizzleDeliveryQueue } from '../../adapters/output/repository/webhook-delivery-queue.js';
import { jobSchedules } from '../../adapters/output/repository/schedule-table.js';
import { events, jobExecutions, jobs } from '../../adapters/output/repository/schema.js';
import { SqlScheduleSignal } from '../../adapters/output/repository/sql-schedule-signal.js';
import { randomIds } from '../../adapters/output/system/random-ids.js';
import { newExecution, retryExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { createJob, type Job } from '../../domain/entities/job.js';
import { SCHEDULE_DEFAULTS } from '../../domain/entities/schedule.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { EventService } from '../../domain/services/event-service.js';
import { JobDefinitionService } from '../../domain/services/job-definition-service.js';
import type { EventQuery } from '../../domain/ports/output/event-outbox.js';
import { SchedulingService } from '../../domain/services/scheduling-service.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { waitFor } from '../support/wait.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';

const backends = await testBackends();
const t0 = new Date('2026-06-01T12:00:00.000Z');
const audit = anAuditContext();
const DAY = 24 * 60 * 60 * 1000;

describe.each(backends)('events in the transaction of their change on $name', (backend) => {
  let database: OpenedDatabase;
  let clock: FixedClock;
  let executions: DrizzleExecutionRepository;
  let schedules: DrizzleScheduleRepository;
  let outbox: DrizzleEventOutbox;
  let unitOfWork: DrizzleUnitOfWork;
  let jobService: JobDefinitionService;
  let scheduling: SchedulingService;
  let job: Job;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    clock = new FixedClock(t0);
    const leases = { owner: 'instance-1', ttlMs: 10_000, clock };
    const jobRepository = new DrizzleJobRepository(database.db);
    executions = new DrizzleExecutionRepository(database.db, leases);
    schedules = new DrizzleScheduleRepository(database.db, leases);
    outbox = new DrizzleEventOutbox(database.db);
    unitOfWork = new DrizzleUnitOfWork(database.db, leases);
    const changes = new AuditedChanges(unitOfWork, clock, randomIds);
    jobService = new JobDefinitionService(jobRepository, changes, clock, randomIds, { refusalFor: () => undefined }, new CronerCalculator());
    const signal = new SqlScheduleSignal(database.db, database.listen);
    scheduling = new SchedulingService(jobRepository, schedules, changes, new CronerCalculator(), clock, randomIds, signal, { startFired: async () => {} });
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    clock.set(t0);
    await database.db.delete(events);
    await database.db.delete(jobExecutions);
    await database.db.delete(jobSchedules);
    await database.db.delete(jobs);
    job = await jobService.createJob(aJobDefinition({ name: `job-${randomIds.newId()}` }), audit);
    await database.db.delete(events);
  });

  /**
   * The job's events, once every transaction that wrote events has ended: a transaction elsewhere on the server (an
   * autovacuum) may hold them back a moment (see event-outbox.ts).
   */
  async function eventsOf(query: Omit<EventQuery, 'limit'> = {}) {
    const pending = sql`select count(*)::int as n from ${events} where tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
    await waitFor(async () => rowsOf<{ n: number }>(await database.db.execute(pending))[0]!.n, (n) => n === 0, 10_000, 'events to show');
    return outbox.list({ ...query, limit: 3000 });
  }

  /** The types of the job's events, in the order they are listed in. */
  const typesOf = async (jobId = job.id) =>
    (await eventsOf({ jobId })).map((event) => [event.type, (event.data as { status?: string }).status]);

  const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  async function run(statuses: Execution['status'][], from: Execution): Promise<Execution> {
    let current = from;
    for (const [index, status] of statuses.entries()) current = (await executions.save(transition(current, status, later(index + 1))))!;
    return current;
  }

  it('writes each status change of a run as its event, once, in order', async () => {
    const execution = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await executions.insert(execution, { exclusive: true });
    const running = await run(['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'], execution);
    // A save that repeats the status (a lease or a stop request changing) makes no second event.
    const again = (await executions.save({ ...running, flinkJarId: 'jar-1' }))!;
    await run(['STOPPING', 'STOPPED'], again);
    const second = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: later(20) });
    await executions.insert(second, { exclusive: true });
    await run(['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'SUCCEEDED'], second);
    expect(await typesOf()).toEqual([
      ['run.queued', 'PENDING'],
      ['run.started', 'RUNNING'],
      ['run.stopped', 'STOPPED'],
      ['run.queued', 'PENDING'],
      ['run.succeeded', 'SUCCEEDED'],
    ]);
  });

  it('writes a failure with its retry as run.failed and run.retry_scheduled, with the error', async () => {
    const execution = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await executions.insert(execution, { exclusive: true });
    const failed = transition(execution, 'FAILED', later(1), { error: { code: 'FLINK_UNREACHABLE', message: 'no answer' } });
    const retry = retryExecution(failed, { id: randomIds.newId(), now: later(1), notBefore: later(31) });
    await executions.saveWithRetry(failed, retry);
    const listed = await eventsOf({ jobId: job.id });
    expect(listed.map((event) => event.type)).toEqual(['run.queued', 'run.failed', 'run.retry_scheduled']);
    expect(listed[1]!.data).toMatchObject({ id: execution.id, error: { code: 'FLINK_UNREACHABLE', message: 'no answer' } });
    expect(listed[2]!.data).toMatchObject({ id: retry.id, status: 'QUEUED', retryOf: execution.id, queuedUntil: later(31).toISOString() });
  });

  it('writes no event for a save that lost to another writer, nor for an insert that was refused', async () => {
    const execution = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await executions.insert(execution, { exclusive: true });
    await executions.save(transition(execution, 'DOWNLOADING', later(1)));
    expect(await executions.save(transition(execution, 'FAILED', later(2)))).toBeUndefined();
    const other = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: later(3) });
    await expect(executions.insert(other, { exclusive: true })).rejects.toThrow(/already has an active execution/);
    expect(await typesOf()).toEqual([['run.queued', 'PENDING']]);
  });

  it('leaves no event of a change whose transaction rolled back', async () => {
    const execution = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await executions.insert(execution, { exclusive: true });
    await expect(
      unitOfWork.transaction(async (repositories) => {
        await repositories.executions.save(transition(execution, 'FAILED', later(1)));
        await repositories.events.append([{ type: 'job.replaced', subject: job.id, time: t0, data: {} }]);
        throw new Error('a failure after the change');
      }),
    ).rejects.toThrow('a failure after the change');
    // The audit row cannot be stored (NUL): the job, its audit row and its event go together.
    await expect(jobService.createJob(aJobDefinition({ name: 'rolled-back' }), anAuditContext({ reason: 'x\u0000' }))).rejects.toThrow();
    expect(await eventsOf()).toEqual([expect.objectContaining({ type: 'run.queued' })]);
  });

  it('writes job and schedule events with the resource as the API shows it', async () => {
    const replaced = await jobService.replaceJob(job.id, aJobDefinition({ name: job.name, parallelism: 3 }), audit);
    await scheduling.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: '0 * * * * *' }, audit);
    await scheduling.pauseSchedule(job.id, 'maintenance', audit);
    await scheduling.resumeSchedule(job.id, audit);
    await scheduling.resumeSchedule(job.id, audit);
    await jobService.deleteJob(job.id, audit);
    const listed = await eventsOf({ jobId: job.id });
    expect(listed.map((event) => event.type)).toEqual(['job.replaced', 'schedule.paused', 'schedule.resumed', 'job.deleted']);
    expect(listed[0]!.data).toMatchObject({ id: job.id, version: replaced.version, parallelism: 3 });
    expect(listed[1]!.data).toMatchObject({ jobId: job.id, paused: true, pauseNote: 'maintenance', nextRunTimes: [] });
    expect((listed[2]!.data as { nextRunTimes: string[] }).nextRunTimes).toHaveLength(5);
  });

  it('writes the events of a claim of due ticks in the claim: queued, skipped, missed', async () => {
    await scheduling.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: '*/10 * * * * *', catchupWindowSeconds: 60 }, audit);
    const active = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await executions.insert(active, { exclusive: true });
    clock.set(later(10));
    await scheduling.fireDueTicks();
    await executions.save(transition(active, 'FAILED', later(11)));
    // Every replica down for five minutes: 29 ticks missed, the last one runs.
    clock.set(later(310));
    await scheduling.fireDueTicks();
    const listed = await eventsOf({ jobId: job.id });
    expect(listed.map((event) => [event.type, (event.data as { status?: string }).status])).toEqual([
      ['run.queued', 'PENDING'],
      ['run.skipped', 'SKIPPED'],
      ['run.failed', 'FAILED'],
      ['schedule.ticks_missed', undefined],
      ['run.queued', 'PENDING'],
    ]);
    expect(listed[1]!.data).toMatchObject({ error: { code: 'OVERLAP' }, scheduledFor: later(10).toISOString() });
    expect(listed[3]!.data).toEqual({
      jobId: job.id, count: 29, exact: true, window: { from: later(20).toISOString(), until: later(310).toISOString() },
    });
  });

  it('stores nothing of a claim that fails after its executions were written', async () => {
    await scheduling.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: '*/10 * * * * *' }, audit);
    clock.set(later(10));
    const broken = schedules.claimDue(clock.now(), 10, (tick) => ({
      // The schedule update, the claim's last statement, cannot be built: the claim rolls back.
      schedule: { ...tick.schedule, nextFireAt: new Date(Number.NaN) },
      nextDueAt: null,
      executions: [{ execution: newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'schedule', scheduledFor: later(10), now: clock.now() }), exclusive: true }],
      missed: { count: 2, exact: true, from: t0, until: clock.now() },
    }));
    await expect(broken).rejects.toThrow();
    expect(await typesOf()).toEqual([]);
    expect(await database.db.select().from(jobExecutions)).toEqual([]);
  });

  it('sweeps events past the retention in batches and keeps the others', async () => {
    const old = Array.from({ length: 2100 }, (_, i) => ({ type: 'job.created' as const, subject: job.id, time: new Date(t0.getTime() - 15 * DAY - i), data: {} }));
    await outbox.append(old);
    await outbox.append([{ type: 'job.replaced', subject: job.id, time: new Date(t0.getTime() - 13 * DAY), data: {} }]);
    // The sweep keeps what webhooks have not been given yet: fan them out first (to no webhook).
    await eventsOf();
    expect(await new DrizzleDeliveryQueue(database.db).dispatch(5000, t0)).toBe(2101);
    expect(await new EventService(outbox, clock, 14).sweep()).toBe(2100);
    expect(await typesOf()).toEqual([['job.replaced', undefined]]);
  });
});
