import { nextRunTimes, type Schedule } from '../entities/schedule.js';
import type { ScheduleView } from '../ports/input/job-schedules.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';

/** A schedule as shown at `now`: with its next five fire times, none when paused or ended. */
export function scheduleView(cron: CronCalculator, schedule: Schedule, now: Date): ScheduleView {
  const ended = schedule.nextFireAt === null;
  return {
    schedule,
    nextRunTimes: schedule.paused || ended ? [] : nextRunTimes(cron, schedule, now),
    ended,
  };
}
