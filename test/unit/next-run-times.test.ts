import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { createSchedule, nextRunTimes, type ScheduleDefinition } from '../../domain/entities/schedule.js';
import type { CronCalculator } from '../../domain/ports/output/cron-calculator.js';
import { NextRunTimes } from '../../domain/services/next-run-times.js';

const croner = new CronerCalculator();
const definition: ScheduleDefinition = {
  cron: '*/20 * * * * *',
  timezone: 'Europe/Berlin',
  overlapPolicy: 'skip',
  catchupWindowSeconds: 60,
  jitterSeconds: 0,
  startAt: new Date('2026-05-01T00:01:00.000Z'),
  endAt: new Date('2026-05-01T00:03:00.000Z'),
  paused: false,
  remainingRuns: null,
  pauseAfterFailures: null,
  deadlineSeconds: null,
};
const base = new Date('2026-05-01T00:00:00.000Z');

/** Counts the cron arithmetic done. */
function counted(): CronCalculator & { calls: number } {
  const calculator = {
    calls: 0,
    problemWith: (pattern: string, timezone: string) => croner.problemWith(pattern, timezone),
    nextAfter(pattern: string, timezone: string, after: Date) {
      calculator.calls += 1;
      return croner.nextAfter(pattern, timezone, after);
    },
  };
  return calculator;
}

describe('remembered next run times', () => {
  it('answers what computing them answers, at every second around the ticks, the start and the end', () => {
    const schedule = createSchedule(croner, 'job-1', definition, base);
    const memo = new NextRunTimes(croner);
    for (let second = 0; second <= 200; second += 1) {
      const now = new Date(base.getTime() + second * 1000);
      expect(memo.after(schedule, now), `at +${second} s`).toEqual(nextRunTimes(croner, schedule, now));
    }
  });

  it('computes once per tick, shares schedules with the same pattern, and not those with another', () => {
    const calculator = counted();
    const memo = new NextRunTimes(calculator);
    const first = createSchedule(croner, 'job-1', { ...definition, startAt: null, endAt: null }, base);
    const same = { ...first, jobId: 'job-2' };
    for (let ms = 0; ms < 20_000; ms += 250) memo.after(ms % 500 ? first : same, new Date(base.getTime() + ms));
    expect(calculator.calls).toBe(5);
    memo.after({ ...first, timezone: 'UTC' }, base);
    expect(calculator.calls).toBe(10);
  });

  it('keeps the runs left apart: a schedule with fewer runs left lists fewer times', () => {
    const memo = new NextRunTimes(croner);
    const schedule = createSchedule(croner, 'job-1', { ...definition, startAt: null, endAt: null, remainingRuns: 3 }, base);
    expect(memo.after(schedule, base)).toHaveLength(3);
    expect(memo.after({ ...schedule, remainingRuns: 2 }, base)).toHaveLength(2);
    expect(memo.after({ ...schedule, remainingRuns: null }, base)).toHaveLength(5);
    expect(memo.after(schedule, base)).toEqual(nextRunTimes(croner, { ...schedule, remainingRuns: null }, base).slice(0, 3));
  });

  it('computes again for a time before the one it remembered', () => {
    const calculator = counted();
    const memo = new NextRunTimes(calculator);
    const schedule = createSchedule(croner, 'job-1', { ...definition, startAt: null, endAt: null }, base);
    memo.after(schedule, new Date(base.getTime() + 10_000));
    expect(memo.after(schedule, base)).toEqual(nextRunTimes(croner, schedule, base));
    expect(calculator.calls).toBe(10);
  });
});
