import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleScheduleRepository } from '../../adapters/output/repository/drizzle-schedule-repository.js';
import { SqlScheduleSignal } from '../../adapters/output/repository/sql-schedule-signal.js';
import { jobSchedules } from '../../adapters/output/repository/schedule-table.js';
import { events, jobExecutions, jobs } from '../../adapters/output/repository/schema.js';
import { eq } from 'drizzle-orm';
import { randomIds } from '../../adapters/output/system/random-ids.js';
import { newExecution, skippedExecution } from '../../domain/entities/execution.js';
import { createJob, replaceJob, type Job } from '../../domain/entities/job.js';
import { SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../domain/entities/schedule.js';
import { DrizzleUnitOfWork } from '../../adapters/output/repository/drizzle-unit-of-work.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { SchedulingService } from '../../domain/services/scheduling-service.js';
import { ScheduleAlreadyTriggeredError } from '../../domain/errors.js';
import { openDatabase, type OpenedDatabase } from '../../infrastructure/database.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';
import { anAuditContext } from '../support/audit-contexts.js';

const audit = anAuditContext();

const backends = await testBackends();
const cron = new CronerCalculator();
const t0 = new Date('2026-06-01T12:00:00.000Z');
const schedule = (definition: Partial<ScheduleDefinition> & { cron: string }): ScheduleDefinition => ({
  ...SCHEDULE_DEFAULTS,
  ...definition,
});

function servicesOn(database: OpenedDatabase, clock: FixedClock, owner = 'instance-1') {
  const jobRepository = new DrizzleJobRepository(database.db);
  const leases = { owner, ttlMs: 10_000, clock };
  const executions = new DrizzleExecutionRepository(database.db, leases);
  const schedules = new DrizzleScheduleRepository(database.db, leases);
  return {
    jobRepository,
    executions,
    schedules,
    scheduling: new SchedulingService(
      jobRepository,
      schedules,
      new AuditedChanges(new DrizzleUnitOfWork(database.db, leases), clock, randomIds),
      cron,
      clock,
      randomIds,
      new SqlScheduleSignal(database.db, database.listen),
      { startFired: async () => {} },
    ),
  };
}

describe.each(backends)('firing schedules on $name', (backend) => {
  let database: OpenedDatabase;
  let clock: FixedClock;
  let services: ReturnType<typeof servicesOn>;
  let job: Job;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(jobSchedules);
    await database.db.delete(jobExecutions);
    await database.db.delete(jobs);
    clock = new FixedClock(t0);
    services = servicesOn(database, clock);
    job = createJob(aJobDefinition({ name: `job-${Math.random()}` }), randomIds.newId(), t0);
    await services.jobRepository.insert(job);
  });

  const runs = async () =>
    (await services.executions.list({ jobId: job.id, limit: 200 })).map((e) => ({
      status: e.status,
      trigger: e.trigger,
      scheduledFor: e.scheduledFor?.toISOString(),
      error: e.error?.code ?? null,
    }));

  it('fires each tick once, as a schedule run stamped with its tick', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *' }), audit);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    clock.advance(10_000);
    const fired = await services.scheduling.fireDueTicks();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ status: 'PENDING', trigger: 'schedule', scheduledFor: new Date('2026-06-01T12:00:10.000Z') });
    expect(await services.executions.findById(fired[0]!.id), 'stored as decided, every field').toEqual(fired[0]);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    expect(await services.scheduling.nextDueAt()).toEqual(new Date('2026-06-01T12:00:20.000Z'));
  });

  it("stamps each tick's run with its own job's version, for many jobs in one claim", async () => {
    const other = createJob(aJobDefinition({ name: `other-${Math.random()}` }), randomIds.newId(), t0);
    await services.jobRepository.insert(other);
    await services.jobRepository.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: current.name, args: ['v2'] }), t0));
    for (const id of [job.id, other.id]) await services.scheduling.setSchedule(id, schedule({ cron: '*/10 * * * * *' }), audit);
    clock.advance(10_000);
    const fired = await services.scheduling.fireDueTicks();
    expect(Object.fromEntries(fired.map((run) => [run.jobId, run.jobVersion]))).toEqual({ [job.id]: 2, [other.id]: 1 });
  });

  it('records SKIPPED with reason OVERLAP while a run is active under skip, and starts another under allow', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *' }), audit);
    clock.advance(10_000);
    await services.scheduling.fireDueTicks(); // PENDING, still active
    clock.advance(10_000);
    await services.scheduling.fireDueTicks();
    expect(await runs()).toEqual([
      { status: 'SKIPPED', trigger: 'schedule', scheduledFor: '2026-06-01T12:00:20.000Z', error: 'OVERLAP' },
      { status: 'PENDING', trigger: 'schedule', scheduledFor: '2026-06-01T12:00:10.000Z', error: null },
    ]);
    expect((await services.scheduling.getSchedule(job.id)).schedule.counters).toEqual({ runsStarted: 1, ticksSkipped: 1, ticksMissed: 0, deadlinesMissed: 0, consecutiveFailures: 0 });

    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *', overlapPolicy: 'allow' }), audit);
    clock.advance(10_000);
    await services.scheduling.fireDueTicks();
    expect((await runs())[0]).toMatchObject({ status: 'PENDING', scheduledFor: '2026-06-01T12:00:30.000Z' });
  });

  it('queues a tick behind the active run under buffer_one and cancel_other, counting queued runs as waiting', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *', overlapPolicy: 'buffer_one' }), audit);
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await services.scheduling.fireDueTicks();
    }
    expect(await runs()).toEqual([
      { status: 'SKIPPED', trigger: 'schedule', scheduledFor: '2026-06-01T12:00:30.000Z', error: 'OVERLAP' },
      { status: 'QUEUED', trigger: 'schedule', scheduledFor: '2026-06-01T12:00:20.000Z', error: null },
      { status: 'PENDING', trigger: 'schedule', scheduledFor: '2026-06-01T12:00:10.000Z', error: null },
    ]);
    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *', overlapPolicy: 'cancel_other' }), audit);
    clock.advance(10_000);
    const [replacing] = await services.scheduling.fireDueTicks();
    expect(replacing).toMatchObject({ status: 'QUEUED', queue: { notBefore: null, stopActive: true } });
    expect(await services.executions.findById(replacing!.id)).toEqual(replacing);
  });

  it('records a tick whose run the one-active-run index refused (a start won the race) as overlapping', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '*/10 * * * * *' }), audit);
    const manual = newExecution({ id: randomIds.newId(), jobId: job.id, trigger: 'manual', now: t0 });
    await services.executions.insert(manual, { exclusive: true });
    clock.advance(10_000);
    const seen: number[] = [];
    // A decision made on a stale count: it starts a run although one is active. The retry sees the truth.
    const stored = await services.schedules.claimDue(clock.now(), 10, (tick) => {
      seen.push(tick.activeExecutions);
      const scheduledFor = tick.schedule.nextFireAt!;
      const common = { id: randomIds.newId(), jobId: job.id, scheduledFor, now: clock.now() };
      const execution =
        tick.activeExecutions > 1
          ? skippedExecution({ ...common, reason: { code: 'OVERLAP', message: 'still running' } })
          : newExecution({ ...common, trigger: 'schedule' });
      return { schedule: { ...tick.schedule, nextFireAt: null }, nextDueAt: null, executions: [{ execution, exclusive: true }], missed: null };
    });
    expect(seen).toEqual([1, 2]);
    expect(stored.map((e) => [e.status, e.scheduledFor?.toISOString()])).toEqual([['SKIPPED', '2026-06-01T12:00:10.000Z']]);
  });

  it('after an outage runs only the latest missed tick within the window, and counts the others', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '0 * * * * *', catchupWindowSeconds: 90 }), audit);
    clock.advance(10 * 60_000 + 30_000); // down from 12:00 to 12:10:30
    const fired = await services.scheduling.fireDueTicks();
    expect(fired.map((e) => e.scheduledFor?.toISOString())).toEqual(['2026-06-01T12:10:00.000Z']);
    const { schedule: stored } = await services.scheduling.getSchedule(job.id);
    expect(stored.counters).toMatchObject({ runsStarted: 1, ticksMissed: 9 });
    expect(stored.nextFireAt).toEqual(new Date('2026-06-01T12:11:00.000Z'));
  });

  it('fires nothing for a paused schedule, and nothing from the pause after resuming', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '0 * * * * *' }), audit);
    await services.scheduling.pauseSchedule(job.id, 'upgrade', audit);
    clock.advance(5 * 60_000 + 1_000);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    await services.scheduling.resumeSchedule(job.id, audit);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    clock.advance(60_000);
    expect(await services.scheduling.fireDueTicks()).toHaveLength(1);
    expect((await services.scheduling.getSchedule(job.id)).schedule.counters.ticksMissed).toBe(0);
  });

  it('stops firing once endAt has passed', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '0 * * * * *', endAt: new Date('2026-06-01T12:01:30Z') }), audit);
    clock.advance(60_000);
    expect(await services.scheduling.fireDueTicks()).toHaveLength(1);
    clock.advance(60_000);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    expect((await services.scheduling.getSchedule(job.id)).ended).toBe(true);
  });

  it('refuses a second trigger in the same millisecond, leaving the schedule as the first left it', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '0 0 0 1 1 *', overlapPolicy: 'allow', remainingRuns: 5 }), audit);
    const first = await services.scheduling.triggerSchedule(job.id, audit);
    expect(first).toMatchObject({ status: 'PENDING', scheduledFor: t0 });
    await expect(services.scheduling.triggerSchedule(job.id, audit)).rejects.toBeInstanceOf(ScheduleAlreadyTriggeredError);
    const { schedule: after } = await services.scheduling.getSchedule(job.id);
    expect(after).toMatchObject({ remainingRuns: 4, counters: { runsStarted: 1 } });
    expect(await runs()).toHaveLength(1);
  });

  it('ends after remainingRuns started ticks, with a schedule.ended event stored with the last run', async () => {
    await services.scheduling.setSchedule(job.id, schedule({ cron: '0 * * * * *', overlapPolicy: 'allow', remainingRuns: 2 }), audit);
    clock.advance(60_000);
    expect(await services.scheduling.fireDueTicks()).toHaveLength(1);
    clock.advance(60_000);
    const [last] = await services.scheduling.fireDueTicks();
    const view = await services.scheduling.getSchedule(job.id);
    expect(view).toMatchObject({ ended: true, nextRunTimes: [], schedule: { remainingRuns: 0, nextFireAt: null } });
    clock.advance(60_000);
    expect(await services.scheduling.fireDueTicks()).toEqual([]);
    expect(await services.scheduling.nextDueAt()).toBeNull();
    const ended = await database.db.select().from(events).where(eq(events.type, 'schedule.ended'));
    expect(ended.map((event) => [event.subject, event.time.toISOString()])).toEqual([[job.id, last!.createdAt.toISOString()]]);
  });
});

describe.skipIf(backends[1]!.skipReason)('claiming due ticks from several instances on PostgreSQL', () => {
  it('gives every tick of every schedule exactly one run when four instances claim at once', async () => {
    const scratch = await createScratchDatabase();
    const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ kind: 'postgres', url: scratch.url })));
    try {
      const clock = new FixedClock(t0);
      const [first, ...others] = instances.map((database) => servicesOn(database, clock));
      const jobIds: string[] = [];
      for (let i = 0; i < 40; i++) {
        const job = createJob(aJobDefinition({ name: `herd-${i}` }), randomIds.newId(), t0);
        await first!.jobRepository.insert(job);
        await first!.scheduling.setSchedule(job.id, schedule({ cron: '* * * * * *', overlapPolicy: 'allow' }), audit);
        jobIds.push(job.id);
      }
      for (let second = 1; second <= 5; second++) {
        clock.advance(1000);
        await Promise.all([first!, ...others].map((instance) => instance.scheduling.fireDueTicks()));
      }
      const rows = await instances[0]!.db.select().from(jobExecutions);
      expect(rows).toHaveLength(40 * 5);
      const ticks = new Set(rows.map((row) => `${row.jobId}@${row.scheduledFor?.toISOString()}`));
      expect(ticks.size).toBe(40 * 5);
    } finally {
      await Promise.all(instances.map((database) => database.close()));
      await scratch.drop();
    }
  });
});
