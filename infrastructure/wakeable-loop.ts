/** How early a timer may fire, by the wall clock, and still be waited out. */
const MAX_EARLY_MS = 5;

/**
 * Runs `round` again and again, one at a time: after each, it waits the delay the round resolved with, or less when
 * woken. A wake during a round starts the next one right after it; a round that throws is the round's own business
 * (it catches and says how long to wait). `stop` waits for the round under way.
 */
export class WakeableLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wokenDuringRound = false;
  /** The wall-clock time the timer was set for. */
  private dueAt = 0;

  constructor(private readonly round: () => Promise<number>) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Starts a round now, or right after the one under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenDuringRound = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.dueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => this.fire(), delayMs);
    this.timer.unref();
  }

  /**
   * Starts the round, or waits the rest of the delay: a timer counts whole milliseconds of the event loop's own
   * clock, and may fire up to a millisecond before the wall clock reaches its time. A round of the scheduler begun
   * then finds its tick not yet due, and would look again only after a recheck delay. A wall clock set back by more
   * than that is not waited for: the round starts, as it would have without the wall clock.
   */
  private fire(): void {
    const early = this.dueAt - Date.now();
    if (early > 0 && early <= MAX_EARLY_MS) this.schedule(early);
    else void this.next();
  }

  private async next(): Promise<void> {
    if (this.running || this.stopped) return;
    let delay = 0;
    this.running = this.round().then((ms) => {
      delay = ms;
    });
    await this.running;
    this.running = undefined;
    if (this.wokenDuringRound) {
      this.wokenDuringRound = false;
      delay = 0;
    }
    if (!this.stopped) this.schedule(delay);
  }
}
