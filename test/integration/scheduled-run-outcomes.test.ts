import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleScheduleRepository } from '../../adapters/output/repository/drizzle-schedule-repository.js';
import { DrizzleUnitOfWork } from '../../adapters/output/repository/drizzle-unit-of-work.js';
import { rowsOf } from '../../adapters/output/repository/database.js';
import { newExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import { createSchedule, SCHEDULE_DEFAULTS } from '../../domain/entities/schedule.js';
import { ScheduledRunOutcomes } from '../../domain/services/executions/scheduled-run-outcomes.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
const base = new Date('2026-05-01T00:00:00.000Z');
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

describe.each(backends)('what a scheduled run tells its schedule, on $name', (backend) => {
  let database: OpenedDatabase;
  let executions: DrizzleExecutionRepository;
  let schedules: DrizzleScheduleRepository;
  let outcomes: ScheduledRunOutcomes;
  const clock = new FixedClock(base);

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    const leases = { owner: 'test-instance', ttlMs: 60_000, clock };
    executions = new DrizzleExecutionRepository(database.db, leases);
    schedules = new DrizzleScheduleRepository(database.db, leases);
    outcomes = new ScheduledRunOutcomes(executions, new DrizzleUnitOfWork(database.db, leases), clock);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A job with a schedule, and a tick of it that is RUNNING. */
  async function runningTick(deadlineAt: Date | null = null): Promise<Execution> {
    const job = createJob(aJobDefinition({ name: `ticked-${++counter}` }), newId(), base);
    await new DrizzleJobRepository(database.db).insert(job);
    const schedule = createSchedule(new CronerCalculator(), job.id, { ...SCHEDULE_DEFAULTS, cron: '0 0 * * *' }, base);
    await schedules.save(schedule, schedule.nextFireAt);
    let run = newExecution({ id: newId(), jobId: job.id, trigger: 'schedule', scheduledFor: base, deadlineAt, now: base });
    await executions.insert(run, { exclusive: true });
    for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'] as const) {
      run = (await executions.save(transition(run, status, base)))!;
    }
    return run;
  }
  const failureCount = async (jobId: string) => (await schedules.find(jobId))!.counters.consecutiveFailures;

  it.skipIf(backend.skipReason)("commits a run's end and its count on the schedule together, or neither", async () => {
    const running = await runningTick();
    const failed = transition(running, 'FAILED', base, { error: { code: 'FLINK_JOB_FAILED', message: 'boom' } });
    const endAndCount = () => outcomes.saveEnd(running, failed, false, (repository) => repository.save(failed));

    // The schedule's row refuses any change: the count fails after the run's end was written, in one transaction.
    const refuse = sql.raw(
      `alter table job_schedules add constraint refuse_test_tick check (job_id <> '${running.jobId}') not valid`,
    );
    await database.db.execute(refuse);
    try {
      await expect(endAndCount()).rejects.toThrow();
    } finally {
      await database.db.execute(sql`alter table job_schedules drop constraint refuse_test_tick`);
    }
    expect((await executions.findById(running.id))!.status).toBe('RUNNING');
    expect(await failureCount(running.jobId)).toBe(0);

    // Nothing was half-written: the same end goes through once the schedule takes changes again.
    expect((await endAndCount())?.status).toBe('FAILED');
    expect(await failureCount(running.jobId)).toBe(1);
    // A second writer of the same end loses the race and counts nothing.
    expect(await endAndCount()).toBeUndefined();
    expect(await failureCount(running.jobId)).toBe(1);
  });

  it.skipIf(backend.skipReason)("counts a missed deadline with the run's mark, once", async () => {
    const running = await runningTick(new Date(base.getTime() - 1000));
    const marked = await outcomes.checkDeadline(running);
    expect(marked?.deadlineMissed).toBe(true);
    expect((await executions.findById(running.id))!.deadlineMissed).toBe(true);
    expect((await schedules.find(running.jobId))!.counters.deadlinesMissed).toBe(1);
    // A stale copy of the run loses the race: it reads the run as stored and counts nothing more.
    expect((await outcomes.checkDeadline(running))?.revision).toBe(marked!.revision);
    expect((await schedules.find(running.jobId))!.counters.deadlinesMissed).toBe(1);
  });

  it.skipIf(backend.skipReason)('ends a streak of failures with a success, and leaves a schedule without one as it was', async () => {
    const first = await runningTick();
    const failed = transition(first, 'FAILED', base, { error: { code: 'FLINK_JOB_FAILED', message: 'boom' } });
    await outcomes.saveEnd(first, failed, false, (repository) => repository.save(failed));
    expect(await schedules.find(first.jobId)).toMatchObject({ counters: { consecutiveFailures: 1 }, failureStreak: [first.id] });

    let second = newExecution({ id: newId(), jobId: first.jobId, trigger: 'schedule', scheduledFor: new Date(base.getTime() + 86_400_000), now: base });
    await executions.insert(second, { exclusive: true });
    for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'] as const) {
      second = (await executions.save(transition(second, status, base)))!;
    }
    // A success saved in the same statement as the end of the streak: one that lost the race ends nothing.
    const stale = transition({ ...second, revision: second.revision - 1 }, 'SUCCEEDED', base);
    expect(await outcomes.saveEnd(second, stale, false, (repository, options) => repository.save(stale, options))).toBeUndefined();
    expect(await schedules.find(first.jobId)).toMatchObject({ counters: { consecutiveFailures: 1 }, failureStreak: [first.id] });
    const succeeded = transition(second, 'SUCCEEDED', base);
    await outcomes.saveEnd(second, succeeded, false, (repository, options) => repository.save(succeeded, options));
    expect(await schedules.find(first.jobId)).toMatchObject({ counters: { consecutiveFailures: 0 }, failureStreak: [] });

    // A success with no streak to end writes nothing: the schedule's row keeps its tuple (xmin).
    const other = await runningTick();
    const xmin = async () =>
      rowsOf<{ x: string }>(await database.db.execute(sql`select xmin::text as x from job_schedules where job_id = ${other.jobId}`))[0]!.x;
    const before = await xmin();
    const done = transition(other, 'SUCCEEDED', base);
    expect((await outcomes.saveEnd(other, done, false, (repository, options) => repository.save(done, options)))?.status).toBe('SUCCEEDED');
    expect(await xmin()).toBe(before);
  });
});
