import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Clock } from '../domain/ports/output/clock.js';
import type { DeliveryQueue } from '../domain/ports/output/webhook-repository.js';
import type { WebhookSender } from '../domain/ports/output/webhook-sender.js';
import { WebhookDelivery } from '../domain/services/webhooks/webhook-delivery.js';
import type { AppConfig } from './config.js';

/** How many deliveries one instance sends at once. */
const CONCURRENCY = 16;
/** How many events one round fans out. */
const DISPATCH_BATCH = 500;
/** How much longer than an attempt may take a claim lasts: an instance that died holding it is waited for that long. */
const CLAIM_MARGIN_MS = 10_000;

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

  /** Removes the succeeded and dead deliveries past their retention. */
  sweep(): Promise<number> {
    return this.delivery.sweep();
  }

  /** Stops the rounds and waits up to `timeoutMs` for the deliveries under way. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.delivery
      .stop(timeoutMs)
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

type WebhookSettings = Pick<AppConfig, 'instanceId' | 'webhookRetryDelaysMs' | 'webhookTimeoutMs' | 'webhookPollIntervalMs' | 'eventRetentionDays'>;

/** The delivery worker of this instance: attempts counted by outcome, each settled delivery waking it again. */
export function createWebhookWorker(
  config: WebhookSettings,
  logger: Logger,
  parts: { queue: DeliveryQueue; sender: WebhookSender; clock: Clock; attempts: Counter<'outcome'> },
): WebhookWorker {
  const observer = {
    attempted: (outcome: string) => parts.attempts.inc({ outcome }),
    settled: () => worker.wake(),
    failed: (error: unknown) => logger.warn({ err: error }, 'a webhook attempt could not be recorded; it is tried again once its claim runs out'),
  };
  const delivery = new WebhookDelivery(
    parts.queue,
    parts.sender,
    parts.clock,
    {
      owner: config.instanceId,
      retryDelaysMs: config.webhookRetryDelaysMs,
      leaseMs: config.webhookTimeoutMs + CLAIM_MARGIN_MS,
      concurrency: CONCURRENCY,
      dispatchBatch: DISPATCH_BATCH,
      retentionDays: config.eventRetentionDays,
    },
    observer,
  );
  const worker = new WebhookWorker(delivery, logger, config.webhookPollIntervalMs);
  return worker;
}

