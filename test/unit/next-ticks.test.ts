import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { createSchedule, SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../domain/entities/schedule.js';
import type { CronTicks } from '../../domain/entities/schedule.js';
import { mergeTicks } from '../../domain/services/run-overview-service.js';

const croner = new CronerCalculator();
const now = new Date('2026-05-01T00:00:00.000Z');

function upcoming(jobId: string, cron: string, extra: Partial<ScheduleDefinition> = {}) {
  return { jobName: `name-${jobId}`, schedule: createSchedule(croner, jobId, { ...SCHEDULE_DEFAULTS, cron, ...extra }, now) };
}

/** Counts the cron arithmetic done. */
function counted(): CronTicks & { calls: number } {
  const calculator = {
    calls: 0,
    nextAfter(pattern: string, timezone: string, after: Date) {
      calculator.calls += 1;
      return croner.nextAfter(pattern, timezone, after);
    },
  };
  return calculator;
}

const at = (ticks: { jobId: string; at: Date }[]) => ticks.map((tick) => `${tick.jobId} ${tick.at.toISOString().slice(11, 16)}`);

describe('the next ticks of several schedules', () => {
  it.each([
    {
      name: 'a frequent schedule fills the places between the ticks of a rare one; ties go by job id',
      schedules: [upcoming('b', '0 */20 * * * *'), upcoming('a', '0 0 * * * *')],
      count: 6,
      expected: ['b 00:20', 'b 00:40', 'a 01:00', 'b 01:00', 'b 01:20', 'b 01:40'],
    },
    {
      name: 'a schedule that ends gives what it has left',
      schedules: [upcoming('a', '0 */20 * * * *', { endAt: new Date('2026-05-01T00:40:00.000Z') }), upcoming('b', '0 0 */2 * * *')],
      count: 4,
      expected: ['a 00:20', 'a 00:40', 'b 02:00', 'b 04:00'],
    },
    {
      name: 'a schedule with runs left gives no more ticks than it has runs',
      schedules: [upcoming('a', '0 */20 * * * *', { remainingRuns: 2 }), upcoming('b', '0 0 * * * *'), upcoming('c', '0 */10 * * * *', { remainingRuns: 1 })],
      count: 5,
      expected: ['c 00:10', 'a 00:20', 'a 00:40', 'b 01:00', 'b 02:00'],
    },
    {
      name: 'runs left above the count do not limit it',
      schedules: [upcoming('a', '0 */20 * * * *', { remainingRuns: 100 })],
      count: 3,
      expected: ['a 00:20', 'a 00:40', 'a 01:00'],
    },
    { name: 'no schedules, no ticks', schedules: [], count: 10, expected: [] },
  ])('$name', ({ schedules, count, expected }) => {
    const ticks = mergeTicks(croner, schedules, count);
    expect(at(ticks)).toEqual(expected);
    expect(ticks.every((tick) => tick.jobName === `name-${tick.jobId}`)).toBe(true);
  });

  it('does the cron arithmetic once per tick taken, not per schedule', () => {
    const schedules = Array.from({ length: 10 }, (_, i) => upcoming(`job-${i}`, `0 ${i} * * * *`));
    const cron = counted();
    expect(mergeTicks(cron, schedules, 10)).toHaveLength(10);
    expect(cron.calls).toBe(10);
  });

  it('does no cron arithmetic past the last run a schedule has left', () => {
    const cron = counted();
    expect(mergeTicks(cron, [upcoming('a', '0 * * * * *', { remainingRuns: 3 })], 10)).toHaveLength(3);
    expect(cron.calls).toBe(2);
  });
});
