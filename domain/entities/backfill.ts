import type { ExecutionStatus } from './execution.js';
import type { CronTicks, ScheduleDefinition } from './schedule.js';

/**
 * Which ticks of the range a backfill runs, given the runs they have already:
 * - missing: only ticks with no run (a SKIPPED tick counts as having none);
 * - failed: those, and ticks whose newest run ended FAILED or STOPPED;
 * - all: every tick.
 */
export type Reprocess = 'missing' | 'failed' | 'all';

export const REPROCESS_MODES: readonly Reprocess[] = ['missing', 'failed', 'all'];

/** running: it creates runs as slots free up; cancelled: it creates no more; completed: every tick's run ended. */
export type BackfillState = 'running' | 'cancelled' | 'completed';

export const BACKFILL_STATES: readonly BackfillState[] = ['running', 'cancelled', 'completed'];

/** The most ticks one backfill may run. */
export const MAX_BACKFILL_TICKS = 10_000;

/** Past this many, a range too large is not counted further: its error says "more than". */
export const TICK_COUNT_LIMIT = 20_000;

/** How many runs of a backfill may be busy (queued or active) at once. */
export const MAX_ACTIVE_RUNS = 10;

/** The statuses a tick's newest run may end in that `failed` runs again. */
const RERUN_WHEN_FAILED: readonly ExecutionStatus[] = ['FAILED', 'STOPPED'];

export interface BackfillRequest {
  from: Date;
  to: Date;
  reprocess: Reprocess;
  maxActive: number;
  /** Only say which ticks would run; store nothing. */
  dryRun: boolean;
}

export interface Backfill {
  id: string;
  jobId: string;
  from: Date;
  to: Date;
  reprocess: Reprocess;
  maxActive: number;
  /** How many ticks it runs (decided at creation). */
  tickCount: number;
  state: BackfillState;
  /** The API key's name that asked for it; its runs carry it as `requestedBy`. */
  requestedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The ticks of a range, oldest first, up to MAX_BACKFILL_TICKS; `count` is all of them, up to TICK_COUNT_LIMIT. */
export interface RangeTicks {
  ticks: Date[];
  count: number;
  /** False when counting stopped at TICK_COUNT_LIMIT: there are more. */
  exact: boolean;
}

/**
 * The schedule's ticks whose data interval lies within [from, to], both ends included: a tick's data interval runs
 * from the tick before it to the tick itself (the run at a tick processes the interval that just ended, as in
 * Airflow). So the first tick at or after `from` only opens the first interval; the last tick is the last at or
 * before `to`. The ticks are the cron's in the schedule's zone: a wall-clock time that a DST change skips or repeats
 * is what the cron calculator makes of it, the same as the live schedule. The schedule's startAt, endAt and pause do
 * not limit a backfill: it is asked for explicitly.
 */
export function rangeTicks(
  calculator: CronTicks,
  schedule: Pick<ScheduleDefinition, 'cron' | 'timezone'>,
  from: Date,
  to: Date,
): RangeTicks {
  const next = (after: Date) => calculator.nextAfter(schedule.cron, schedule.timezone, after);
  const ticks: Date[] = [];
  let count = 0;
  const opening = next(new Date(from.getTime() - 1));
  for (let tick = opening && next(opening); tick && tick <= to; tick = next(tick)) {
    if (count === TICK_COUNT_LIMIT) return { ticks, count, exact: false };
    count += 1;
    if (ticks.length < MAX_BACKFILL_TICKS) ticks.push(tick);
  }
  return { ticks, count, exact: true };
}

/**
 * The ticks a backfill runs: those of `ticks` that `reprocess` selects, given the status of each tick's newest run
 * that is not SKIPPED (keyed by the tick's epoch milliseconds; absent when it has none).
 */
export function ticksToRun(ticks: Date[], newestRuns: ReadonlyMap<number, ExecutionStatus>, reprocess: Reprocess): Date[] {
  switch (reprocess) {
    case 'all':
      return ticks;
    case 'missing':
      return ticks.filter((tick) => !newestRuns.has(tick.getTime()));
    case 'failed':
      return ticks.filter((tick) => {
        const newest = newestRuns.get(tick.getTime());
        return newest === undefined || RERUN_WHEN_FAILED.includes(newest);
      });
  }
}

/** A running backfill, locked for this instance, and what deciding its next runs needs to know. */
export interface BackfillClaim {
  backfill: Backfill;
  /** Whether its job still exists (not deleted). */
  jobLive: boolean;
  /** The job's version as the claim read it (null once deleted): the runs it stores are of that version. */
  jobVersion: number | null;
  /** Its runs that are queued (a retry's back-off) or active. */
  busy: number;
  /**
   * Its next ticks without a run of the backfill, oldest first, each with the highest attempt any run of the job
   * has at that tick (0 for none): `maxActive - busy` of them are read, and at least one, so that an empty list
   * means every tick has its run.
   */
  pending: { tick: Date; attempts: number }[];
}

/** What comes of a claim: the ticks to run now (each as its next attempt), and the state it moves to, if any. */
export interface BackfillStep {
  runs: { tick: Date; attempt: number }[];
  /** completed once every tick ran and none is busy; cancelled when its job was deleted. */
  state: Exclude<BackfillState, 'running'> | null;
}

/** The runs a claimed backfill starts: as many pending ticks as free slots, oldest first. */
export function nextBackfillStep({ backfill, jobLive, busy, pending }: Omit<BackfillClaim, 'jobVersion'>): BackfillStep {
  if (!jobLive) return { runs: [], state: 'cancelled' };
  if (pending.length === 0) return { runs: [], state: busy === 0 ? 'completed' : null };
  const slots = Math.max(0, backfill.maxActive - busy);
  return { runs: pending.slice(0, slots).map(({ tick, attempts }) => ({ tick, attempt: attempts + 1 })), state: null };
}
