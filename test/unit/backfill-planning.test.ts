import { beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import {
  BackfillEndedError,
  BackfillNeedsScheduleError,
  BackfillTooLargeError,
  InvalidBackfillError,
} from '../../domain/backfill-errors.js';
import { MAX_BACKFILL_TICKS, nextBackfillStep, rangeTicks, ticksToRun, type Backfill, type BackfillRequest } from '../../domain/entities/backfill.js';
import { newExecution, type Execution, type ExecutionStatus } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import { createSchedule, SCHEDULE_DEFAULTS } from '../../domain/entities/schedule.js';
import { BackfillService } from '../../domain/services/backfill-service.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork, type InMemoryAuditTrail } from './fakes/in-memory-audit-trail.js';
import { InMemoryBackfillRepository } from './fakes/in-memory-backfill-repository.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';

const croner = new CronerCalculator();
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const at = (text: string) => new Date(text);

describe('rangeTicks: the ticks whose data interval lies within [from, to]', () => {
  it.each([
    // A tick at `from` opens the first interval; a tick at `to` closes the last: both ends are inclusive.
    ['0 0 * * *', 'UTC', '2026-11-01T00:00:00Z', '2026-11-06T00:00:00Z', ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']],
    // Between ticks: the interval that straddles `from` is left out, and so is the one that straddles `to`.
    ['0 0 * * *', 'UTC', '2026-11-01T12:00:00Z', '2026-11-04T12:00:00Z', ['2026-11-03', '2026-11-04']],
    ['0 0 * * *', 'UTC', '2026-11-01T12:00:00Z', '2026-11-02T12:00:00Z', []],
  ])('%s in %s over [%s, %s]', (cron, timezone, from, to, days) => {
    const { ticks, count, exact } = rangeTicks(croner, { cron, timezone }, at(from), at(to));
    expect(iso(ticks)).toEqual(days.map((day) => `${day}T00:00:00.000Z`));
    expect({ count, exact }).toEqual({ count: days.length, exact: true });
  });

  it('follows the schedule zone across DST: each tick at its wall-clock time, none twice, a skipped time skipped as the live schedule does', () => {
    const berlin = { cron: '30 2 * * *', timezone: 'Europe/Berlin' };
    // 2026-03-29 has no 02:30 in Berlin (clocks jump from 02:00 to 03:00).
    const spring = rangeTicks(croner, berlin, at('2026-03-27T00:00:00Z'), at('2026-03-31T12:00:00Z')).ticks;
    expect(iso(spring)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    // 2026-10-25 has its 02:00-03:00 twice: a daily tick still runs once, an hourly one twice in that hour (UTC).
    const autumn = rangeTicks(croner, berlin, at('2026-10-23T00:00:00Z'), at('2026-10-27T12:00:00Z')).ticks;
    expect(iso(autumn)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
    const hourly = rangeTicks(croner, { cron: '0 * * * *', timezone: 'Europe/Berlin' }, at('2026-10-24T23:00:00Z'), at('2026-10-25T03:00:00Z'));
    expect(iso(hourly.ticks)).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
  });

  it('keeps at most MAX_BACKFILL_TICKS ticks but counts on, and says when it stopped counting', () => {
    const minutely = { cron: '* * * * *', timezone: 'UTC' };
    const week = rangeTicks(croner, minutely, at('2026-11-01T00:00:00Z'), at('2026-11-08T00:00:00Z'));
    expect(week).toMatchObject({ count: 7 * 24 * 60, exact: true });
    expect(week.ticks).toHaveLength(MAX_BACKFILL_TICKS);
    const year = rangeTicks(croner, minutely, at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'));
    expect(year.exact).toBe(false);
  });
});

describe('ticksToRun: what `reprocess` selects', () => {
  const ticks = [1, 2, 3, 4, 5].map((day) => at(`2026-11-0${day}T00:00:00Z`));
  // Day 1 has no run, day 2 succeeded, day 3 failed, day 4 was stopped, day 5 is running.
  const newest = new Map<number, ExecutionStatus>([
    [ticks[1]!.getTime(), 'SUCCEEDED'],
    [ticks[2]!.getTime(), 'FAILED'],
    [ticks[3]!.getTime(), 'STOPPED'],
    [ticks[4]!.getTime(), 'RUNNING'],
  ]);

  it.each([
    ['missing', [1]],
    ['failed', [1, 3, 4]],
    ['all', [1, 2, 3, 4, 5]],
  ] as const)('%s runs days %j', (reprocess, days) => {
    expect(ticksToRun(ticks, newest, reprocess)).toEqual(days.map((day) => ticks[day - 1]));
  });
});

describe('nextBackfillStep: slots, order and the end', () => {
  const created = at('2026-11-30T00:00:00Z');
  const backfill: Backfill = {
    id: 'b', jobId: 'j', from: at('2026-11-01T00:00:00Z'), to: at('2026-11-05T00:00:00Z'), reprocess: 'missing',
    maxActive: 3, tickCount: 4, state: 'running', requestedBy: 'alice', createdAt: created, updatedAt: created,
  };
  const pending = [1, 2, 3, 4].map((day) => ({ tick: at(`2026-11-0${day}T00:00:00Z`), attempts: day === 2 ? 1 : 0 }));

  it('starts the oldest pending ticks in the free slots, each as the next attempt at its tick', () => {
    const step = nextBackfillStep({ backfill, jobLive: true, busy: 1, pending });
    expect(step).toEqual({ runs: [{ tick: pending[0]!.tick, attempt: 1 }, { tick: pending[1]!.tick, attempt: 2 }], state: null });
    expect(nextBackfillStep({ backfill, jobLive: true, busy: 3, pending }).runs).toEqual([]);
  });

  it('completes once every tick has its run and none is busy; a deleted job cancels it', () => {
    expect(nextBackfillStep({ backfill, jobLive: true, busy: 2, pending: [] })).toEqual({ runs: [], state: null });
    expect(nextBackfillStep({ backfill, jobLive: true, busy: 0, pending: [] })).toEqual({ runs: [], state: 'completed' });
    expect(nextBackfillStep({ backfill, jobLive: false, busy: 0, pending })).toEqual({ runs: [], state: 'cancelled' });
  });
});

describe('BackfillService', () => {
  const now = at('2026-11-30T12:00:00Z');
  const request = (overrides: Partial<BackfillRequest> = {}): BackfillRequest => ({
    from: at('2026-11-01T00:00:00Z'),
    to: at('2026-11-06T00:00:00Z'),
    reprocess: 'missing',
    maxActive: 2,
    dryRun: false,
    ...overrides,
  });
  let service: BackfillService;
  let backfills: InMemoryBackfillRepository;
  let schedules: InMemoryScheduleRepository;
  let trail: InMemoryAuditTrail;
  let ids: SequentialIds;
  const jobId = '00000000-0000-4000-8000-000000000001';
  const audit = anAuditContext({ name: 'alice', role: 'operator', outcome: 201 });

  beforeEach(async () => {
    const jobs = new InMemoryJobRepository();
    await jobs.insert(createJob(aJobDefinition(), jobId, now));
    schedules = new InMemoryScheduleRepository(new InMemoryExecutionRepository());
    await schedules.save(createSchedule(croner, jobId, { ...SCHEDULE_DEFAULTS, cron: '0 0 * * *' }, now), null);
    backfills = new InMemoryBackfillRepository();
    const clock = new FixedClock(now);
    ids = new SequentialIds();
    const unit = inMemoryUnitOfWork({ jobs, executions: new InMemoryExecutionRepository(), schedules, backfills });
    trail = unit.trail;
    const signal = { announce: async () => undefined };
    service = new BackfillService(jobs, schedules, backfills, new AuditedChanges(unit.unitOfWork, clock, ids), croner, clock, ids, signal);
  });

  /** The run as it is once it reached `status` (the steps between are not what these tests are about). */
  const transition = (run: Execution, status: ExecutionStatus, endedAt: Date): Execution => ({ ...run, status, endedAt });
  const runAt = (day: number, status: ExecutionStatus, attempt = 1) => {
    const run = newExecution({ id: `run-${day}-${attempt}`, jobId, trigger: 'schedule', attempt, scheduledFor: at(`2026-11-0${day}T00:00:00Z`), now });
    backfills.runs.push(transition(run, status, now));
  };

  it('a dry run lists the ticks `reprocess` selects and stores nothing, not even an audit row', async () => {
    runAt(3, 'FAILED');
    runAt(4, 'FAILED');
    runAt(4, 'SUCCEEDED', 2);
    const plan = await service.createBackfill(jobId, request({ reprocess: 'failed', dryRun: true }), audit);
    expect(iso(plan.ticks)).toEqual(['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-06'].map((day) => `${day}T00:00:00.000Z`));
    expect(plan.progress).toBeNull();
    expect(backfills.rows.size).toBe(0);
    expect(trail.events).toEqual([]);
  });

  it('stores the backfill with its audit row, then runs its ticks oldest first, never more than maxActive at once, each once', async () => {
    runAt(2, 'SUCCEEDED');
    const { progress } = await service.createBackfill(jobId, request(), audit);
    const id = progress!.backfill.id;
    expect(progress!.backfill).toMatchObject({ state: 'running', tickCount: 4, maxActive: 2, requestedBy: 'alice' });
    expect(trail.events).toMatchObject([{ actor: 'alice', resourceId: jobId }]);

    const first = await service.advanceBackfills();
    expect(first.map((run) => [run.scheduledFor!.toISOString().slice(0, 10), run.trigger, run.backfillId, run.status])).toEqual([
      ['2026-11-03', 'backfill', id, 'PENDING'],
      ['2026-11-04', 'backfill', id, 'PENDING'],
    ]);
    expect(await service.advanceBackfills(), 'both slots are taken').toEqual([]);
    backfills.runs[backfills.runs.indexOf(first[0]!)] = transition(first[0]!, 'FAILED', now);
    expect((await service.advanceBackfills()).map((run) => run.scheduledFor!.toISOString().slice(0, 10))).toEqual(['2026-11-05']);
    for (const [index, run] of backfills.runs.entries()) if (run.status === 'PENDING') backfills.runs[index] = transition(run, 'SUCCEEDED', now);
    expect((await service.advanceBackfills()).map((run) => run.scheduledFor!.toISOString().slice(0, 10))).toEqual(['2026-11-06']);
    for (const [index, run] of backfills.runs.entries()) if (run.status === 'PENDING') backfills.runs[index] = transition(run, 'SUCCEEDED', now);
    expect(await service.advanceBackfills()).toEqual([]);
    expect((await service.getBackfill(id)).backfill.state).toBe('completed');
    const ticks = backfills.runs.filter((run) => run.backfillId === id).map((run) => run.scheduledFor!.getTime());
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it('runs past ticks only: a `to` in the future stops at now', async () => {
    const plan = await service.createBackfill(jobId, request({ from: at('2026-11-27T00:00:00Z'), to: at('2026-12-31T00:00:00Z'), dryRun: true }), audit);
    expect(iso(plan.ticks)).toEqual(['2026-11-28T00:00:00.000Z', '2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
  });

  it('runs a tick that has runs as their next attempt', async () => {
    runAt(2, 'FAILED');
    await service.createBackfill(jobId, request({ reprocess: 'failed', to: at('2026-11-02T00:00:00Z') }), audit);
    expect((await service.advanceBackfills()).map((run) => run.attempt)).toEqual([2]);
  });

  it('refuses a backwards range, a job without schedule, and more than MAX_BACKFILL_TICKS ticks (naming the count)', async () => {
    await expect(service.createBackfill(jobId, request({ to: at('2026-10-01T00:00:00Z') }), audit)).rejects.toThrow(InvalidBackfillError);
    await schedules.save(createSchedule(croner, jobId, { ...SCHEDULE_DEFAULTS, cron: '* * * * *' }, now), null);
    const tooLarge = service.createBackfill(jobId, request({ to: at('2026-11-08T00:00:00Z') }), audit);
    await expect(tooLarge).rejects.toThrow(BackfillTooLargeError);
    await expect(tooLarge).rejects.toThrow('The range holds 10080 ticks; a backfill runs at most 10000');
    await schedules.remove(jobId);
    await expect(service.createBackfill(jobId, request(), audit)).rejects.toThrow(BackfillNeedsScheduleError);
    expect(backfills.rows.size).toBe(0);
  });

  it('cancelling stops it creating runs; a completed one cannot be cancelled', async () => {
    const { progress } = await service.createBackfill(jobId, request(), audit);
    const cancelled = await service.cancelBackfill(progress!.backfill.id, audit);
    expect(cancelled.backfill.state).toBe('cancelled');
    expect(await service.advanceBackfills()).toEqual([]);
    runAt(2, 'SUCCEEDED');
    runAt(3, 'SUCCEEDED');
    runAt(4, 'SUCCEEDED');
    runAt(5, 'SUCCEEDED');
    runAt(6, 'SUCCEEDED');
    const { progress: empty } = await service.createBackfill(jobId, request(), audit);
    expect(empty!.backfill.state).toBe('completed');
    await expect(service.cancelBackfill(empty!.backfill.id, audit)).rejects.toThrow(BackfillEndedError);
  });
});
