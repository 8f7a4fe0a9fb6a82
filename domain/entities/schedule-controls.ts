import { MAX_PAUSE_AFTER_FAILURES, pauseSchedule, type Schedule } from './schedule.js';

/*
 * The schedule's own limits on its runs: `remainingRuns` ends it, `pauseAfterFailures` pauses it, and missed
 * deadlines are counted.
 */

/** Why a schedule fires no more: its `remainingRuns` were used up, or its ticks ran out (`endAt`); null while it fires. */
export type EndedReason = 'remaining_runs' | 'end_at';

export function endedReason(schedule: Pick<Schedule, 'nextFireAt' | 'remainingRuns'>): EndedReason | null {
  if (schedule.remainingRuns === 0) return 'remaining_runs';
  return schedule.nextFireAt === null ? 'end_at' : null;
}

/**
 * A tick that starts a run uses up one of the remaining runs; the last one ends the schedule (no next tick). A
 * schedule without a limit, or whose limit is used up already (a trigger of an ended schedule), is left as it is.
 */
export function runStarted(schedule: Schedule): Schedule {
  const counters = { ...schedule.counters, runsStarted: schedule.counters.runsStarted + 1 };
  if (!schedule.remainingRuns) return { ...schedule, counters };
  const remainingRuns = schedule.remainingRuns - 1;
  return { ...schedule, counters, remainingRuns, nextFireAt: remainingRuns === 0 ? null : schedule.nextFireAt };
}

/** How a scheduled run ended, for the schedule's own rules. */
export interface ScheduledRunEnd {
  executionId: string;
  /** SUCCEEDED, or FAILED with no retry to follow; null: neither (a stop, or a failure that is retried). */
  outcome: 'succeeded' | 'failed' | null;
  /** The run had not finished by its deadline and was not counted yet. */
  deadlineMissed: boolean;
}

/**
 * The schedule after one of its runs ended: a missed deadline counted; a failure added to the streak, a success
 * ending it; and `pauseAfterFailures` failures in a row pause it, with a note naming them. `pausedNow` says whether
 * this end paused it.
 */
export function afterScheduledRun(schedule: Schedule, end: ScheduledRunEnd, now: Date): { schedule: Schedule; pausedNow: boolean } {
  const counters = { ...schedule.counters };
  if (end.deadlineMissed) counters.deadlinesMissed += 1;
  let failureStreak = schedule.failureStreak;
  if (end.outcome === 'succeeded') {
    counters.consecutiveFailures = 0;
    failureStreak = [];
  } else if (end.outcome === 'failed') {
    counters.consecutiveFailures += 1;
    failureStreak = [...failureStreak, end.executionId].slice(-MAX_PAUSE_AFTER_FAILURES);
  }
  const next = { ...schedule, counters, failureStreak };
  const limit = schedule.pauseAfterFailures;
  if (end.outcome !== 'failed' || schedule.paused || !limit || counters.consecutiveFailures < limit) {
    return { schedule: next, pausedNow: false };
  }
  const note = `paused after ${limit} failed runs in a row: ${failureStreak.slice(-limit).join(', ')}`;
  return { schedule: pauseSchedule(next, note, now), pausedNow: true };
}
