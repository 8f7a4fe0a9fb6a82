import type { CronTicks } from '../../entities/schedule.js';

/**
 * Cron arithmetic, as the schedule rules need it: whether a pattern can be used, and when it fires next.
 *
 * Patterns have five fields (minute first; the second is 0) or six (second first). Day of month and day of week
 * combine as in classic cron: when both are restricted, a day matching either one fires.
 *
 * Times are wall-clock times in `timezone`, and every tick is one instant:
 * - a wall-clock time the clock skips (spring forward) does not fire that day;
 * - a fixed time (second, minute and hour written as numbers, lists or ranges, as in `0 30 2 * * *`) that occurs
 *   twice (fall back) fires once, at its first occurrence;
 * - times given with `*` or a step follow real time: a pattern firing every 30 minutes keeps doing so through both
 *   passes of the repeated hour.
 */
export interface CronCalculator extends CronTicks {
  /**
   * Why the pattern cannot be used in that zone (a value out of range, prose, a date that never comes, an unknown
   * time zone), or undefined if it can.
   */
  problemWith(pattern: string, timezone: string): string | undefined;
  /**
   * The first tick strictly after `after`, or null if there is none. Throws, with the reason `problemWith` gives,
   * when the pattern cannot be read or the zone is unknown.
   */
  nextAfter(pattern: string, timezone: string, after: Date): Date | null;
}
