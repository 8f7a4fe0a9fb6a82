import { nextRunTimes, type Schedule } from '../entities/schedule.js';
import type { ScheduleView } from '../ports/input/job-schedules.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';

/** The next fire times of a schedule after `now`. */
export type RunTimes = (schedule: Schedule, now: Date) => Date[];

export const computedRunTimes = (cron: CronCalculator): RunTimes => (schedule, now) => nextRunTimes(cron, schedule, now);

/** A schedule as shown at `now`: its next five fire times (fewer with fewer runs left), none when paused or ended. */
export function scheduleView(runTimes: RunTimes, schedule: Schedule, now: Date): ScheduleView {
  const ended = schedule.nextFireAt === null;
  return { schedule, nextRunTimes: schedule.paused || ended ? [] : runTimes(schedule, now), ended };
}
