import { nextFireTime, type CronTicks, type ScheduleDefinition, type TickSource } from './schedule.js';

/** Ticks walked one by one before a catch-up jumps (see `catchUp`). */
export const MAX_WALKED_TICKS = 100;

export interface CatchUp {
  /** The tick to run now: the most recent due tick, if it is no older than the catch-up window. */
  fire: Date | null;
  /** Due ticks that will not run: all of them but `fire`. */
  missed: number;
  /** Whether `missed` was counted tick by tick; otherwise it is an estimate (see `catchUp`). */
  missedExact: boolean;
  /** The first tick after `now`: what to store as the schedule's next fire time. */
  nextFireAt: Date | null;
}

/**
 * What to do with the ticks that came due while nobody fired them, given `due`, the stored next fire time (the
 * oldest tick not handled yet). On return the most recent missed tick runs once if it is within
 * catchupWindowSeconds of `now`; older missed ticks are counted (not each stored) and no burst of runs follows an
 * outage. When the scheduler is on time there is exactly one due tick, and it fires with nothing missed.
 *
 * The work is bounded: up to MAX_WALKED_TICKS ticks are walked one by one and counted exactly. When more are due
 * (a schedule firing every second, down for a week, has 600 000), the most recent one is found by bisection of
 * the time up to `now` (one `nextAfter` per halving: about 40 for a century), and the ticks in between are
 * estimated from the average spacing of the walked ones, with `missedExact` false. The estimate is exact for evenly
 * spaced patterns (every N seconds or minutes, every weekday at 9) and can be far off for patterns whose ticks bunch
 * up (every second of one hour a day), whose first hundred ticks say little about the rest.
 */
export function catchUp(
  calculator: CronTicks,
  schedule: TickSource & Pick<ScheduleDefinition, 'catchupWindowSeconds'>,
  due: Date,
  now: Date,
): CatchUp {
  // A start moved later since `due` was stored: the first tick is the first one from the start.
  const first = schedule.startAt && due < schedule.startAt ? nextFireTime(calculator, schedule, due) : due;
  if (!first || (schedule.endAt && first > schedule.endAt)) {
    return { fire: null, missed: 0, missedExact: true, nextFireAt: null };
  }
  if (first > now) return { fire: null, missed: 0, missedExact: true, nextFireAt: first };

  let latest = first;
  let count = 1;
  let next = nextFireTime(calculator, schedule, first);
  while (next && next <= now && count < MAX_WALKED_TICKS) {
    latest = next;
    count += 1;
    next = nextFireTime(calculator, schedule, next);
  }
  let missedExact = true;
  if (next && next <= now) {
    // More are due than we walk: `next` is one of them; find the most recent and estimate those in between.
    const spacing = (next.getTime() - first.getTime()) / count;
    latest = latestTickUpTo(calculator, schedule, next, now);
    count += 1 + Math.round((latest.getTime() - next.getTime()) / spacing);
    missedExact = latest.getTime() === next.getTime();
    next = nextFireTime(calculator, schedule, latest);
  }

  const fire = now.getTime() - latest.getTime() <= schedule.catchupWindowSeconds * 1000 ? latest : null;
  return { fire, missed: count - (fire ? 1 : 0), missedExact, nextFireAt: next };
}

/**
 * The most recent tick at or before `now`, given `known`, a tick at or before it. Bisects on the instant `x`
 * whose next tick is still at or before `now`: the largest such `x` is one millisecond before the answer.
 */
function latestTickUpTo(calculator: CronTicks, schedule: TickSource, known: Date, now: Date): Date {
  let low = known.getTime(); // its next tick may or may not be after now
  let high = now.getTime(); // its next tick is after now
  let latest = known;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const tick = nextFireTime(calculator, schedule, new Date(middle));
    if (tick && tick <= now) {
      low = middle;
      latest = tick;
    } else {
      high = middle;
    }
  }
  return latest;
}
