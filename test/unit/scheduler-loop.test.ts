import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackfillRuns } from '../../domain/ports/input/job-backfills.js';
import type { JobSchedules } from '../../domain/ports/input/job-schedules.js';
import type { UpgradeProgress } from '../../domain/ports/input/job-upgrades.js';
import type { QueuedExecutions } from '../../domain/ports/input/queued-executions.js';
import { createLogger } from '../../infrastructure/logging.js';
import { SchedulerLoop } from '../../infrastructure/scheduler-loop.js';
import { FixedClock } from './fakes/fixed-clock.js';

const POLL_MS = 1000;

/**
 * A loop over fakes whose clock is moved by hand: each round's steps after the claims (starting the queued runs)
 * take `afterClaimsMs` of it, and `nextDue` says when the earliest schedule is due, as the database would.
 */
function loopWith(nextDue: (now: Date) => Date | null, afterClaimsMs: number) {
  const clock = new FixedClock(new Date('2026-06-01T00:00:00.000Z'));
  const start = clock.now().getTime();
  const rounds: number[] = [];
  const schedules = { fireDueTicks: async () => [], nextDueAt: async () => nextDue(clock.now()) } as unknown as JobSchedules;
  const queue = {
    startFired: async () => undefined,
    startDue: async () => {
      rounds.push(clock.now().getTime() - start);
      clock.advance(afterClaimsMs);
      return [];
    },
  } as unknown as QueuedExecutions;
  const backfills = { advanceBackfills: async () => [] } as unknown as BackfillRuns;
  const upgrades = { advanceUpgrades: async () => undefined } as unknown as UpgradeProgress;
  const loop = new SchedulerLoop(schedules, queue, clock, createLogger('warn'), POLL_MS, { observe: () => undefined }, backfills, upgrades);
  /** Lets `ms` pass on the timers and on the loop's clock alike. */
  const pass = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(0);
    for (let step = 0; step < ms; step++) {
      clock.advance(1);
      await vi.advanceTimersByTimeAsync(1);
    }
  };
  return { loop, rounds, start, pass };
}

describe('the scheduler loop waking for the next tick', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes at the tick, not the time the steps after its claims took later', async () => {
    // Due 50 ms after the first round began; the round's last step takes 40 ms of that.
    const { loop, rounds, start, pass } = loopWith((now) => (now.getTime() < start + 50 ? new Date(start + 50) : null), 40);
    loop.start();
    await pass(0);
    expect(rounds).toEqual([0]);
    await pass(9);
    expect(rounds).toHaveLength(1);
    await pass(2);
    // The second round began at the tick (counting from the end of the first round, it would wait 50 ms more).
    expect(rounds).toEqual([0, 50]);
    await loop.stop();
  });

  it('waits the poll interval after a round when nothing is due', async () => {
    const { loop, rounds, pass } = loopWith(() => null, 40);
    loop.start();
    await pass(0);
    await pass(POLL_MS - 1);
    expect(rounds).toEqual([0]);
    await pass(2);
    expect(rounds).toEqual([0, 40 + POLL_MS]);
    await loop.stop();
  });

  it('looks again soon at a tick that is still due (another instance holds it)', async () => {
    const { loop, rounds, start, pass } = loopWith(() => new Date(start - 1000), 5);
    loop.start();
    await pass(0);
    await pass(30);
    // Rechecked 20 ms after the claims (15 ms after the round's last step), not at the poll interval.
    expect(rounds.slice(0, 2)).toEqual([0, 20]);
    await loop.stop();
  });
});
