import { nextRunTimes, type RunTimesSource, type Schedule } from '../entities/schedule.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';

/** How many tick sources the memo keeps; past that it starts over (a read of many schedules only recomputes). */
const MAX_ENTRIES = 1000;

interface Remembered {
  from: Date;
  times: Date[];
}

/**
 * The next five fire times of schedules, remembered: they are the same for every `now` from the one they were
 * computed at until the first of them (no tick lies in between), so a job read again and again does its cron
 * arithmetic once per tick instead of once per read. Keyed by what the ticks depend on, not by the job.
 */
export class NextRunTimes {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly cron: CronCalculator) {}

  after(schedule: Schedule, now: Date): Date[] {
    const key = keyOf(schedule);
    const known = this.remembered.get(key);
    if (known && stillValid(known, now)) return known.times;
    const times = nextRunTimes(this.cron, schedule, now);
    if (this.remembered.size >= MAX_ENTRIES) this.remembered.clear();
    this.remembered.set(key, { from: now, times });
    return times;
  }
}

function keyOf({ cron, timezone, startAt, endAt, remainingRuns }: RunTimesSource): string {
  return `${timezone}\n${cron}\n${startAt?.getTime() ?? ''}\n${endAt?.getTime() ?? ''}\n${remainingRuns ?? ''}`;
}

/** No tick after `from` means none after a later time either. */
function stillValid({ from, times }: Remembered, now: Date): boolean {
  if (now < from) return false;
  return times.length === 0 || now < times[0]!;
}
