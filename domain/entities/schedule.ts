/**
 * The cron arithmetic the schedule rules need: the first tick of a pattern strictly after an instant, in a zone
 * (null when there is none). The cron calculator port provides it.
 */
export interface CronTicks {
  nextAfter(pattern: string, timezone: string, after: Date): Date | null;
}

/** The most failures in a row `pauseAfterFailures` may wait for; the streak keeps this many run ids. */
export const MAX_PAUSE_AFTER_FAILURES = 100;

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
  /** How many more ticks may start a run; the schedule ends at 0. Null: no limit. */
  remainingRuns: number | null;
  /** Pause the schedule after this many scheduled runs in a row failed (retries exhausted). Null: never. */
  pauseAfterFailures: number | null;
  /** A scheduled run not finished this many seconds after its tick is marked `deadlineMissed`. Null: no deadline. */
  deadlineSeconds: number | null;
}

export const SCHEDULE_DEFAULTS = {
  timezone: 'UTC',
  overlapPolicy: 'skip',
  catchupWindowSeconds: 60,
  jitterSeconds: 0,
  startAt: null,
  endAt: null,
  paused: false,
  remainingRuns: null,
  pauseAfterFailures: null,
  deadlineSeconds: null,
} as const satisfies Omit<ScheduleDefinition, 'cron'>;

export interface ScheduleCounters {
  runsStarted: number;
  /** Ticks the overlap policy skipped because a run was still active. */
  ticksSkipped: number;
  /** Ticks not run because the scheduler was down too long (see `catchUp`); may be an estimate. */
  ticksMissed: number;
  /** Scheduled runs that had not finished by their deadline (see `deadlineSeconds`). */
  deadlinesMissed: number;
  /** Scheduled runs that failed in a row (retries exhausted) since the last one that succeeded. */
  consecutiveFailures: number;
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
  /** The last (up to MAX_PAUSE_AFTER_FAILURES) of the scheduled runs that failed in a row, oldest first. */
  failureStreak: string[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export function createSchedule(
  calculator: CronTicks,
  jobId: string,
  definition: ScheduleDefinition,
  now: Date,
): Schedule {
  return {
    ...definition,
    jobId,
    pauseNote: null,
    nextFireAt: definition.remainingRuns === 0 ? null : nextFireTime(calculator, definition, now),
    lastFireAt: null,
    counters: { runsStarted: 0, ticksSkipped: 0, ticksMissed: 0, deadlinesMissed: 0, consecutiveFailures: 0 },
    failureStreak: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** What the tick arithmetic reads from a schedule. */
export type TickSource = Pick<ScheduleDefinition, 'cron' | 'timezone' | 'startAt' | 'endAt'>;

/** The first tick strictly after `after`, not before `startAt`; null when there is none up to `endAt`. */
export function nextFireTime(calculator: CronTicks, schedule: TickSource, after: Date): Date | null {
  const { startAt, endAt } = schedule;
  if (endAt && after >= endAt) return null;
  const from = startAt && after < startAt ? new Date(startAt.getTime() - 1) : after;
  const tick = calculator.nextAfter(schedule.cron, schedule.timezone, from);
  return tick && endAt && tick > endAt ? null : tick;
}

/** How far back `previousFireTime` looks: past any pattern that fires at all (a 29 February fires every 4-8 years). */
const LOOKBACK_LIMIT_MS = 40 * 366 * 24 * 3600 * 1000;

/**
 * The latest tick of the pattern strictly before `before`, or null if there is none within 40 years; `startAt` and
 * `endAt` are not looked at. Built on `nextAfter` alone, so that it agrees with it on every zone rule: it looks
 * back over a window four times wider each round, then walks forward through the ticks it finds.
 */
export function previousFireTime(calculator: CronTicks, schedule: Pick<TickSource, 'cron' | 'timezone'>, before: Date): Date | null {
  const next = (after: Date) => calculator.nextAfter(schedule.cron, schedule.timezone, after);
  for (let span = 1000; span <= LOOKBACK_LIMIT_MS * 4; span *= 4) {
    let tick = next(new Date(before.getTime() - Math.min(span, LOOKBACK_LIMIT_MS)));
    if (!tick || tick >= before) continue;
    for (let later = next(tick); later && later < before; later = next(later)) tick = later;
    return tick;
  }
  return null;
}

/** What listing upcoming ticks reads: the tick arithmetic's fields and the runs left. */
export type RunTimesSource = TickSource & Pick<ScheduleDefinition, 'remainingRuns'>;

/**
 * How many of a schedule's upcoming ticks can still start a run: `wanted`, at most `remainingRuns` (each started
 * tick takes one, the schedule ends at 0).
 */
export function ticksLeft(schedule: Pick<ScheduleDefinition, 'remainingRuns'>, wanted: number): number {
  return schedule.remainingRuns === null ? wanted : Math.min(wanted, Math.max(0, schedule.remainingRuns));
}

/**
 * The next `count` ticks after `from`, fewer when the schedule ends or has fewer runs left (`remainingRuns`);
 * `paused` is not looked at.
 */
export function nextRunTimes(calculator: CronTicks, schedule: RunTimesSource, from: Date, count = 5): Date[] {
  const limit = ticksLeft(schedule, count);
  const times: Date[] = [];
  let tick = limit > 0 ? nextFireTime(calculator, schedule, from) : null;
  while (tick && times.length < limit) {
    times.push(tick);
    if (times.length < limit) tick = nextFireTime(calculator, schedule, tick);
  }
  return times;
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
export function overlapAction(policy: OverlapPolicy, activeExecutions: number, waitingExecutions: number): OverlapAction {
  const busy = activeExecutions > 0 || waitingExecutions > 0;
  if (!busy || policy === 'allow') return 'start';
  switch (policy) {
    case 'skip':
      return 'skip';
    case 'buffer_one':
      return waitingExecutions > 0 ? 'skip' : 'wait';
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

/** Pausing stops ticks from firing; the note says why. A pause without a note keeps the one stored. */
export function pauseSchedule(schedule: Schedule, note: string | undefined, now: Date): Schedule {
  return { ...schedule, paused: true, pauseNote: note ?? schedule.pauseNote, updatedAt: now, version: schedule.version + 1 };
}

/**
 * Resuming starts from the first tick after `now`: the ticks of the pause were not wanted, so none of them fires
 * or counts as missed, however long the pause.
 */
export function resumeSchedule(calculator: CronTicks, schedule: Schedule, now: Date): Schedule {
  return {
    ...schedule,
    paused: false,
    pauseNote: null,
    // A resume starts the count of failures in a row afresh: the next failure does not pause it again at once.
    counters: { ...schedule.counters, consecutiveFailures: 0 },
    failureStreak: [],
    nextFireAt: schedule.remainingRuns === 0 ? null : nextFireTime(calculator, schedule, now),
    updatedAt: now,
    version: schedule.version + 1,
  };
}
