import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WakeableLoop } from '../../infrastructure/wakeable-loop.js';

/** A started loop whose rounds wait `delayMs` between them, recording the wall-clock time each began; its first round is done. */
async function recordingLoop(delayMs: number) {
  const starts: number[] = [];
  const loop = new WakeableLoop(async () => {
    starts.push(Date.now());
    return delayMs;
  });
  loop.start();
  await vi.advanceTimersByTimeAsync(0);
  return { loop, starts, first: starts[0]! };
}

describe('the wakeable loop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts no round before the wall clock reaches the time it waited for, even when its timer fires early', async () => {
    const { loop, starts, first } = await recordingLoop(10);
    // The wall clock falls a millisecond behind the timers: the next timer fires when it reads first + 9.
    vi.setSystemTime(first - 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(starts).toEqual([first]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([first, first + 10]);
    await loop.stop();
  });

  it('starts the round at its timer when the wall clock was set back further than a timer fires early', async () => {
    const { loop, starts, first } = await recordingLoop(10);
    vi.setSystemTime(first - 60_000);
    await vi.advanceTimersByTimeAsync(10);
    expect(starts).toHaveLength(2);
    await loop.stop();
  });

  it('starts a round at once when woken, whatever the wall clock says', async () => {
    const { loop, starts } = await recordingLoop(60_000);
    vi.setSystemTime(Date.now() - 5);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toHaveLength(2);
    await loop.stop();
  });
});
