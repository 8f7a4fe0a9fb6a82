import type { CronCalculator } from '../ports/output/cron-calculator.js';

/** What a tick does while an earlier run of the job is still active. */
export type OverlapPolicy = 'skip' | 'allow' | 'buffer_one' | 'cancel_other';

export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['skip', 'allow', 'buffer_one', 'cancel_other'];

/** What a user writes about when a job runs. */
export interface ScheduleDefinition {
  /** Five fields (second 0) or six (second first). */
  cron: string;
  /** IANA zone the pattern's wall-clock times are in. */
  timezone: string;
  overlapPolicy: OverlapPolicy;
  /** How late a tick may still start, after an outage or a pause of the scheduler. */
  catchupWindowSeconds: number;
  /** Each tick starts up to this much later, the same delay on every replica. */
  jitterSeconds: number;
  /** No tick before it (a tick exactly at it fires). */
  startAt: Date | null;
  /** No tick after it (a tick exactly at it fires). */
  endAt: Date | null;
  paused: boolean;
}

export const SCHEDULE_DEFAULTS = {
  timezone: 'UTC',
  overlapPolicy: 'skip',
  catchupWindowSeconds: 60,
  jitterSeconds: 0,
  startAt: null,
  endAt: null,
  paused: false,
} as const satisfies Omit<ScheduleDefinition, 'cron'>;

export interface ScheduleCounters {
  runsStarted: number;
  /** Ticks the overlap policy skipped because a run was still active. */
  ticksSkipped: number;
  /** Ticks not run because the scheduler was down too long (see `catchUp`); may be an estimate. */
  ticksMissed: number;
}

export interface Schedule extends ScheduleDefinition {
  jobId: string;
  /** Why it was paused, as the user said. */
  pauseNote: string | null;
  /** The oldest tick not handled yet; null once the schedule has no more ticks. */
  nextFireAt: Date | null;
  /** The last tick that fired. */
  lastFireAt: Date | null;
  counters: ScheduleCounters;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export function createSchedule(
  calculator: CronCalculator,
  jobId: string,
  definition: ScheduleDefinition,
  now: Date,
): Schedule {
  return {
    ...definition,
    jobId,
    pauseNote: null,
    nextFireAt: nextFireTime(calculator, definition, now),
    lastFireAt: null,
    counters: { runsStarted: 0, ticksSkipped: 0, ticksMissed: 0 },
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** What the tick arithmetic reads from a schedule. */
export type TickSource = Pick<ScheduleDefinition, 'cron' | 'timezone' | 'startAt' | 'endAt'>;

/** The first tick strictly after `after`, not before `startAt`; null when there is none up to `endAt`. */
export function nextFireTime(calculator: CronCalculator, schedule: TickSource, after: Date): Date | null {
  const { startAt, endAt } = schedule;
  if (endAt && after >= endAt) return null;
  const from = startAt && after < startAt ? new Date(startAt.getTime() - 1) : after;
  const tick = calculator.nextAfter(schedule.cron, schedule.timezone, from);
  return tick && endAt && tick > endAt ? null : tick;
}

/** The next `count` ticks after `from` (fewer when the schedule ends); `paused` is not looked at. */
export function nextRunTimes(calculator: CronCalculator, schedule: TickSource, from: Date, count = 5): Date[] {
  const times: Date[] = [];
  let tick = nextFireTime(calculator, schedule, from);
  while (tick && times.length < count) {
    times.push(tick);
    if (times.length < count) tick = nextFireTime(calculator, schedule, tick);
  }
  return times;
}

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
  calculator: CronCalculator,
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
function latestTickUpTo(calculator: CronCalculator, schedule: TickSource, known: Date, now: Date): Date {
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

/** What a tick does, given the policy and the job's runs that are active and waiting to start. */
export type OverlapAction = 'start' | 'skip' | 'wait' | 'cancel-then-start';

/**
 * - skip: start only when nothing is active or waiting;
 * - allow: always start;
 * - buffer_one: start when nothing is active or waiting; otherwise wait, but at most one tick waits, so a tick
 *   that finds one waiting already is skipped;
 * - cancel_other: cancel whatever is active or waiting, then start.
 */
export function overlapAction(policy: OverlapPolicy, activeRuns: number, waitingRuns: number): OverlapAction {
  const busy = activeRuns > 0 || waitingRuns > 0;
  if (!busy || policy === 'allow') return 'start';
  switch (policy) {
    case 'skip':
      return 'skip';
    case 'buffer_one':
      return waitingRuns > 0 ? 'skip' : 'wait';
    case 'cancel_other':
      return 'cancel-then-start';
  }
}

/**
 * How many milliseconds after `tick` it starts: in [0, jitterSeconds * 1000), from a hash of the schedule and the
 * tick, so every replica computes the same delay and schedules that share a pattern spread out.
 */
export function jitterFor(scheduleKey: string, tick: Date, jitterSeconds: number): number {
  const rangeMs = Math.floor(jitterSeconds * 1000);
  if (rangeMs <= 0) return 0;
  return Math.floor((hash32(`${scheduleKey}@${tick.getTime()}`) / 2 ** 32) * rangeMs);
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so that near keys land far apart; unsigned. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** How a job's failed runs are tried again. */
export interface RetryPolicy {
  /** Runs in all, the first one included: 1 means no retry. 1..10. */
  maxAttempts: number;
  /** Wait before the first retry. */
  backoffSeconds: number;
  /** Each later wait is this many times the one before. */
  backoffMultiplier: number;
  /** No wait is longer. */
  maxBackoffSeconds: number;
}

export const RETRY_DEFAULTS = {
  maxAttempts: 1,
  backoffSeconds: 30,
  backoffMultiplier: 2,
  maxBackoffSeconds: 3600,
} as const satisfies RetryPolicy;

/** The most runs a retry policy may ask for. */
export const MAX_ATTEMPTS_LIMIT = 10;

/**
 * Failures that another attempt cannot mend, or that are not failures of the job: the job is gone, its JAR URL is
 * refused, or someone cancelled the Flink job outside this service (a stop by other means).
 */
export const NOT_RETRIED_CODES: readonly string[] = ['JOB_NOT_FOUND', 'JAR_URL_NOT_ALLOWED', 'FLINK_JOB_CANCELLED'];

/** The wait before the retry that follows failed attempt `attempt` (1 = the first run). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const seconds = policy.backoffSeconds * policy.backoffMultiplier ** (Math.max(attempt, 1) - 1);
  return Math.round(Math.min(seconds, policy.maxBackoffSeconds) * 1000);
}

/**
 * Whether attempt `attempt` of a run is tried again. `errorCode` is the code of the run's error when it ended
 * FAILED, null when it did not fail (succeeded, or was stopped). Any failure is retried (JAR download, upload,
 * submit, the Flink job failing or timing out) except NOT_RETRIED_CODES, and never beyond maxAttempts. A tick the
 * overlap policy skipped never became a run, so it is never retried.
 */
export function shouldRetry(policy: RetryPolicy, attempt: number, errorCode: string | null): boolean {
  if (errorCode === null || NOT_RETRIED_CODES.includes(errorCode)) return false;
  return attempt < policy.maxAttempts;
}

/** Pausing stops ticks from firing; the note says why. */
export function pauseSchedule(schedule: Schedule, note: string | null, now: Date): Schedule {
  return { ...schedule, paused: true, pauseNote: note, updatedAt: now, version: schedule.version + 1 };
}

/**
 * Resuming starts from the first tick after `now`: the ticks of the pause were not wanted, so none of them fires
 * or counts as missed, however long the pause.
 */
export function resumeSchedule(calculator: CronCalculator, schedule: Schedule, now: Date): Schedule {
  return {
    ...schedule,
    paused: false,
    pauseNote: null,
    nextFireAt: nextFireTime(calculator, schedule, now),
    updatedAt: now,
    version: schedule.version + 1,
  };
}
