import type { Logger } from 'pino';
import type { WebhookDelivery } from '../domain/services/webhooks/webhook-delivery.js';

/** How long to wait after a round failed (the database is down, say) before the next. */
const AFTER_FAILURE_MS = 1000;

/**
 * Runs delivery rounds: straight after one that found work, else every `pollIntervalMs`, or at once when woken (a
 * delivery settled, a replay or test was asked for here). Every replica runs one; the store decides which claims what.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wokenDuringRound = false;

  constructor(
    private readonly delivery: WebhookDelivery,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenDuringRound = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops the rounds and waits for the deliveries under way (each bounded by the webhook timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.delivery
      .stop()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not hand the webhook deliveries back; their claims run out'));
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), delayMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.running || this.stopped) return;
    let delay = this.pollIntervalMs;
    this.running = this.delivery.round().then(
      (foundWork) => {
        if (foundWork) delay = 0;
      },
      (error: unknown) => {
        delay = Math.max(delay, AFTER_FAILURE_MS);
        this.logger.warn({ err: error }, 'webhook delivery round failed; trying again shortly');
      },
    );
    await this.running;
    this.running = undefined;
    if (this.wokenDuringRound) {
      this.wokenDuringRound = false;
      delay = 0;
    }
    if (!this.stopped) this.schedule(delay);
  }
}
