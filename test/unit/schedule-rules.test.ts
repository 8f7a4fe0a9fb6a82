import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import {
  createSchedule,
  jitterFor,
  nextFireTime,
  nextRunTimes,
  overlapAction,
  pauseSchedule,
  resumeSchedule,
  SCHEDULE_DEFAULTS,
  type OverlapAction,
  type OverlapPolicy,
  type ScheduleDefinition,
  type TickSource,
} from '../../domain/entities/schedule.js';
import { catchUp, MAX_WALKED_TICKS } from '../../domain/entities/catch-up.js';
import { RETRY_DEFAULTS, retryDelayMs, shouldRetry, type RetryPolicy } from '../../domain/entities/retry-policy.js';
import type { CronCalculator } from '../../domain/ports/output/cron-calculator.js';

/** The real calculator (pure computation), counting how often it is asked for a tick. */
class CountingCalculator implements CronCalculator {
  calls = 0;
  private readonly inner = new CronerCalculator();

  problemWith(pattern: string, timezone: string): string | undefined {
    return this.inner.problemWith(pattern, timezone);
  }

  nextAfter(pattern: string, timezone: string, after: Date): Date | null {
    this.calls += 1;
    return this.inner.nextAfter(pattern, timezone, after);
  }
}

const calculator = new CountingCalculator();
const T = new Date('2026-03-02T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const at = (offsetMs: number) => new Date(T.getTime() + offsetMs);
const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

function definition(overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return { ...SCHEDULE_DEFAULTS, cron: '0 * * * * *', ...overrides };
}

describe('nextFireTime', () => {
  const hourly = (bounds: Partial<TickSource>): TickSource => ({ ...definition({ cron: '0 0 * * * *' }), ...bounds });

  it.each([
    { name: 'no bounds', bounds: {}, after: '2026-01-01T10:30:00Z', next: '2026-01-01T11:00:00.000Z' },
    {
      name: 'nothing before startAt',
      bounds: { startAt: new Date('2026-01-02T00:30:00Z') },
      after: '2026-01-01T10:30:00Z',
      next: '2026-01-02T01:00:00.000Z',
    },
    {
      name: 'a tick exactly at startAt fires',
      bounds: { startAt: new Date('2026-01-02T00:00:00Z') },
      after: '2026-01-01T10:30:00Z',
      next: '2026-01-02T00:00:00.000Z',
    },
    {
      name: 'startAt already passed',
      bounds: { startAt: new Date('2025-12-01T00:00:00Z') },
      after: '2026-01-01T10:30:00Z',
      next: '2026-01-01T11:00:00.000Z',
    },
    {
      name: 'a tick exactly at endAt fires',
      bounds: { endAt: new Date('2026-01-01T11:00:00Z') },
      after: '2026-01-01T10:30:00Z',
      next: '2026-01-01T11:00:00.000Z',
    },
    {
      name: 'no tick after endAt',
      bounds: { endAt: new Date('2026-01-01T10:59:59Z') },
      after: '2026-01-01T10:30:00Z',
      next: null,
    },
    {
      name: 'null once past endAt',
      bounds: { endAt: new Date('2026-01-01T00:00:00Z') },
      after: '2026-01-01T10:30:00Z',
      next: null,
    },
  ])('$name', ({ bounds, after, next }) => {
    expect(iso(nextFireTime(calculator, hourly(bounds), new Date(after)))).toBe(next);
  });
});

describe('nextRunTimes', () => {
  it('gives 5 strictly increasing ticks by default', () => {
    const times = nextRunTimes(calculator, definition({ cron: '*/5 * * * *' }), new Date('2026-01-01T10:02:00Z'));
    expect(times.map(iso)).toEqual([
      '2026-01-01T10:05:00.000Z',
      '2026-01-01T10:10:00.000Z',
      '2026-01-01T10:15:00.000Z',
      '2026-01-01T10:20:00.000Z',
      '2026-01-01T10:25:00.000Z',
    ]);
    for (const [index, time] of times.entries()) {
      if (index > 0) expect(time.getTime()).toBeGreaterThan(times[index - 1]!.getTime());
    }
  });

  it.each([
    { name: 'a count of 2', count: 2, endAt: null, expected: 2 },
    { name: 'fewer when endAt comes first', count: 5, endAt: new Date('2026-01-01T10:15:00Z'), expected: 3 },
    { name: 'none after the end', count: 5, endAt: new Date('2026-01-01T10:00:00Z'), expected: 0 },
    { name: 'no more than the runs left', count: 5, endAt: null, remainingRuns: 2, expected: 2 },
    { name: 'none when no run is left', count: 5, endAt: null, remainingRuns: 0, expected: 0 },
    { name: 'the count when more runs are left', count: 5, endAt: null, remainingRuns: 9, expected: 5 },
    { name: 'the fewer of runs left and ticks before the end', count: 5, endAt: new Date('2026-01-01T10:15:00Z'), remainingRuns: 4, expected: 3 },
  ])('$name', ({ count, endAt, remainingRuns = null, expected }) => {
    const schedule = definition({ cron: '*/5 * * * *', endAt, remainingRuns });
    expect(nextRunTimes(calculator, schedule, new Date('2026-01-01T10:02:00Z'), count)).toHaveLength(expected);
  });

  it('follows the zone: 0 0 9 * * * in America/New_York is 14:00 UTC in winter, 13:00 UTC in summer', () => {
    const schedule = definition({ cron: '0 0 9 * * *', timezone: 'America/New_York' });
    expect(nextRunTimes(calculator, schedule, new Date('2026-03-06T12:00:00Z'), 4).map(iso)).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z', // clocks went forward at 02:00 that morning
      '2026-03-09T13:00:00.000Z',
    ]);
  });
});

describe('catchUp', () => {
  it.each([
    {
      name: 'on time: the one due tick fires, nothing missed',
      cron: '0 * * * * *',
      window: 60,
      now: at(200),
      expected: { fire: T, missed: 0, nextFireAt: at(MINUTE) },
    },
    {
      name: 'late within the window: it still fires',
      cron: '0 * * * * *',
      window: 60,
      now: at(45 * SECOND),
      expected: { fire: T, missed: 0, nextFireAt: at(MINUTE) },
    },
    {
      name: 'exactly at the end of the window: it still fires',
      cron: '0 0 * * * *',
      window: 60,
      now: at(60 * SECOND),
      expected: { fire: T, missed: 0, nextFireAt: at(HOUR) },
    },
    {
      name: 'late beyond the window: missed, not fired',
      cron: '0 0 * * * *',
      window: 60,
      now: at(90 * SECOND),
      expected: { fire: null, missed: 1, nextFireAt: at(HOUR) },
    },
    {
      name: 'a 10-minute outage: the latest tick fires (5 s old), the 10 before are missed',
      cron: '0 * * * * *',
      window: 60,
      now: at(10 * MINUTE + 5 * SECOND),
      expected: { fire: at(10 * MINUTE), missed: 10, nextFireAt: at(11 * MINUTE) },
    },
    {
      name: 'a 10-minute outage with a 30 s window, latest tick 45 s old: none fires, all 11 missed',
      cron: '0 * * * * *',
      window: 30,
      now: at(10 * MINUTE + 45 * SECOND),
      expected: { fire: null, missed: 11, nextFireAt: at(11 * MINUTE) },
    },
    {
      name: 'a window of 0 fires only a tick found exactly on time',
      cron: '0 * * * * *',
      window: 0,
      now: T,
      expected: { fire: T, missed: 0, nextFireAt: at(MINUTE) },
    },
    {
      name: 'nothing due yet',
      cron: '0 * * * * *',
      window: 60,
      now: at(-5 * SECOND),
      expected: { fire: null, missed: 0, nextFireAt: T },
    },
    {
      name: 'exactly MAX_WALKED_TICKS due: counted one by one',
      cron: '* * * * * *',
      window: 60,
      now: at((MAX_WALKED_TICKS - 1) * SECOND + 500),
      expected: { fire: at((MAX_WALKED_TICKS - 1) * SECOND), missed: MAX_WALKED_TICKS - 1, nextFireAt: at(MAX_WALKED_TICKS * SECOND) },
    },
    {
      name: 'one more than MAX_WALKED_TICKS due: still exact',
      cron: '* * * * * *',
      window: 60,
      now: at(MAX_WALKED_TICKS * SECOND + 500),
      expected: { fire: at(MAX_WALKED_TICKS * SECOND), missed: MAX_WALKED_TICKS, nextFireAt: at((MAX_WALKED_TICKS + 1) * SECOND) },
    },
  ])('$name', ({ cron, window, now, expected }) => {
    const result = catchUp(calculator, definition({ cron, catchupWindowSeconds: window }), T, now);
    expect(result).toEqual({ ...expected, missedExact: true });
  });

  it.each([
    {
      name: 'endAt passed during the outage: the last tick is too old, nothing comes after',
      bounds: { endAt: at(5 * MINUTE) },
      now: at(10 * MINUTE),
      expected: { fire: null, missed: 6, missedExact: true, nextFireAt: null },
    },
    {
      name: 'the stored tick is after endAt',
      bounds: { endAt: at(-MINUTE) },
      now: at(10 * MINUTE),
      expected: { fire: null, missed: 0, missedExact: true, nextFireAt: null },
    },
    {
      name: 'startAt moved past the stored tick: the first tick is the one at startAt',
      bounds: { startAt: at(30 * MINUTE) },
      now: at(10 * MINUTE),
      expected: { fire: null, missed: 0, missedExact: true, nextFireAt: at(30 * MINUTE) },
    },
  ])('$name', ({ bounds, now, expected }) => {
    expect(catchUp(calculator, definition(bounds), T, now)).toEqual(expected);
  });

  it('does bounded work for an every-second schedule down for 7 days, and counts 604 800 missed ticks', () => {
    calculator.calls = 0;
    const started = performance.now();
    const result = catchUp(calculator, definition({ cron: '* * * * * *' }), T, at(7 * DAY + 500));
    const elapsedMs = performance.now() - started;

    expect(result).toEqual({
      fire: at(7 * DAY),
      missed: 7 * 24 * 3600,
      missedExact: false,
      nextFireAt: at(7 * DAY + SECOND),
    });
    // The walk, then about log2(7 days in ms) = 30 bisection steps, then the next tick.
    expect(calculator.calls).toBeLessThanOrEqual(MAX_WALKED_TICKS + 40);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('estimates within 1% for a step that does not divide the minute (*/7: 9 ticks a minute)', () => {
    const result = catchUp(calculator, definition({ cron: '*/7 * * * * *' }), T, at(DAY - 1));
    const exact = 24 * 60 * 9 - 1; // the day's ticks, all but the one that fires
    expect(result.fire).toEqual(at(DAY - 4 * SECOND)); // second 56 of the day's last minute
    expect(result.missedExact).toBe(false);
    expect(Math.abs(result.missed - exact) / exact).toBeLessThan(0.01);
  });

  it('after a 30-day outage of an every-minute schedule: the latest tick fires, the rest are counted', () => {
    calculator.calls = 0;
    const result = catchUp(calculator, definition(), T, at(30 * DAY + SECOND));
    expect(result).toEqual({ fire: at(30 * DAY), missed: 30 * 24 * 60, missedExact: false, nextFireAt: at(30 * DAY + MINUTE) });
    expect(calculator.calls).toBeLessThanOrEqual(MAX_WALKED_TICKS + 40);
  });
});

describe('pause and resume', () => {
  it('a schedule paused for 30 days resumes at the next tick: nothing of the pause fires or counts as missed', () => {
    const created = createSchedule(calculator, 'job-1', definition({ cron: '0 0 * * * *' }), T);
    expect(created).toMatchObject({ nextFireAt: at(HOUR), version: 1, counters: { runsStarted: 0, ticksSkipped: 0, ticksMissed: 0 } });

    const paused = pauseSchedule(created, 'maintenance', at(10 * MINUTE));
    expect(paused).toMatchObject({ paused: true, pauseNote: 'maintenance', nextFireAt: at(HOUR), version: 2 });

    // A second pause without a note keeps the stored one; a note replaces it.
    expect(pauseSchedule(paused, undefined, at(11 * MINUTE))).toMatchObject({ pauseNote: 'maintenance', version: 3 });
    expect(pauseSchedule(paused, 'upgrade', at(11 * MINUTE))).toMatchObject({ pauseNote: 'upgrade' });

    const resumedAt = at(30 * DAY + 10 * MINUTE);
    const resumed = resumeSchedule(calculator, paused, resumedAt);
    expect(resumed).toMatchObject({
      paused: false,
      pauseNote: null,
      nextFireAt: at(30 * DAY + HOUR),
      counters: created.counters,
      updatedAt: resumedAt,
      version: 3,
    });
    expect(catchUp(calculator, resumed, resumed.nextFireAt!, resumedAt)).toEqual({
      fire: null,
      missed: 0,
      missedExact: true,
      nextFireAt: at(30 * DAY + HOUR),
    });
  });
});

describe('overlapAction', () => {
  it.each<[OverlapPolicy, number, number, OverlapAction]>([
    ['skip', 0, 0, 'start'],
    ['skip', 1, 0, 'skip'],
    ['skip', 3, 0, 'skip'],
    ['allow', 0, 0, 'start'],
    ['allow', 1, 0, 'start'],
    ['allow', 5, 2, 'start'],
    ['buffer_one', 0, 0, 'start'],
    ['buffer_one', 1, 0, 'wait'],
    ['buffer_one', 1, 1, 'skip'],
    ['buffer_one', 0, 1, 'skip'],
    ['cancel_other', 0, 0, 'start'],
    ['cancel_other', 1, 0, 'cancel-then-start'],
    ['cancel_other', 0, 1, 'cancel-then-start'],
  ])('%s with %i active and %i waiting: %s', (policy, active, waiting, action) => {
    expect(overlapAction(policy, active, waiting)).toBe(action);
  });
});

describe('jitterFor', () => {
  const ticks = Array.from({ length: 1000 }, (_, i) => at(i * MINUTE));

  it('is the same for the same schedule and tick, on every call (so on every replica)', () => {
    for (const tick of ticks.slice(0, 20)) {
      expect(jitterFor('job-1', new Date(tick), 30)).toBe(jitterFor('job-1', tick, 30));
    }
  });

  it('keeps its values from one version to the next (replicas of different versions agree)', () => {
    expect([jitterFor('job-1', T, 30), jitterFor('job-2', T, 30), jitterFor('job-1', at(MINUTE), 30)]).toEqual([
      4595, 23749, 3905,
    ]);
  });

  it('stays in [0, jitterSeconds) and spreads over it', () => {
    const delays = ticks.map((tick) => jitterFor('job-1', tick, 30));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(30_000);
    expect(new Set(delays).size).toBeGreaterThan(950);
    const mean = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
    expect(mean).toBeGreaterThan(13_500);
    expect(mean).toBeLessThan(16_500);
  });

  it('differs between schedules that share a tick', () => {
    const delays = new Set(Array.from({ length: 100 }, (_, i) => jitterFor(`job-${i}`, T, 30)));
    expect(delays.size).toBeGreaterThan(95);
  });

  it.each([0, -5])('is 0 when jitterSeconds is %i', (seconds) => {
    expect(ticks.slice(0, 50).every((tick) => jitterFor('job-1', tick, seconds) === 0)).toBe(true);
  });
});

describe('retries', () => {
  const policy: RetryPolicy = { maxAttempts: 10, backoffSeconds: 30, backoffMultiplier: 2, maxBackoffSeconds: 3600 };

  it.each([
    { attempt: 1, change: {}, delayMs: 30_000 },
    { attempt: 2, change: {}, delayMs: 60_000 },
    { attempt: 3, change: {}, delayMs: 120_000 },
    { attempt: 4, change: {}, delayMs: 240_000 },
    { attempt: 8, change: {}, delayMs: 3_600_000 }, // 30 * 2^7 = 3840 s, capped
    { attempt: 3, change: { maxBackoffSeconds: 100 }, delayMs: 100_000 },
    { attempt: 5, change: { backoffMultiplier: 1 }, delayMs: 30_000 },
    { attempt: 3, change: { backoffSeconds: 5, backoffMultiplier: 1.5 }, delayMs: 11_250 },
  ])('after failed attempt $attempt with $change: wait $delayMs ms', ({ attempt, change, delayMs }) => {
    expect(retryDelayMs({ ...policy, ...change }, attempt)).toBe(delayMs);
  });

  it.each([
    { why: 'the JAR download failed', maxAttempts: 3, attempt: 1, code: 'JAR_DOWNLOAD_FAILED', retry: true },
    { why: 'Flink refused the submit', maxAttempts: 3, attempt: 1, code: 'FLINK_SUBMIT_FAILED', retry: true },
    { why: 'Flink was unreachable', maxAttempts: 3, attempt: 1, code: 'FLINK_UNREACHABLE', retry: true },
    { why: 'the Flink job failed', maxAttempts: 3, attempt: 2, code: 'FLINK_JOB_FAILED', retry: true },
    { why: 'the run timed out', maxAttempts: 3, attempt: 1, code: 'TIMEOUT', retry: true },
    { why: 'the last attempt failed', maxAttempts: 3, attempt: 3, code: 'FLINK_JOB_FAILED', retry: false },
    { why: 'retries are off by default', maxAttempts: RETRY_DEFAULTS.maxAttempts, attempt: 1, code: 'FLINK_JOB_FAILED', retry: false },
    { why: 'it was stopped, or succeeded', maxAttempts: 3, attempt: 1, code: null, retry: false },
    { why: 'the Flink job was cancelled outside the service', maxAttempts: 3, attempt: 1, code: 'FLINK_JOB_CANCELLED', retry: false },
    { why: 'the job was deleted', maxAttempts: 3, attempt: 1, code: 'JOB_NOT_FOUND', retry: false },
    { why: 'the JAR URL is refused', maxAttempts: 3, attempt: 1, code: 'JAR_URL_NOT_ALLOWED', retry: false },
  ])('$why (attempt $attempt of $maxAttempts, $code): retry $retry', ({ maxAttempts, attempt, code, retry }) => {
    expect(shouldRetry({ ...RETRY_DEFAULTS, maxAttempts }, attempt, code)).toBe(retry);
  });

  it('defaults to one attempt, 30 s doubling, capped at an hour', () => {
    expect(RETRY_DEFAULTS).toEqual({ maxAttempts: 1, backoffSeconds: 30, backoffMultiplier: 2, maxBackoffSeconds: 3600 });
  });
});
