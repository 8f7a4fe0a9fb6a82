import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Clock } from '../domain/ports/output/clock.js';
import type { DeliveryQueue } from '../domain/ports/output/webhook-repository.js';
import type { WebhookSender } from '../domain/ports/output/webhook-sender.js';
import { WebhookDelivery } from '../domain/services/webhooks/webhook-delivery.js';
import type { AppConfig } from './config.js';
import { WakeableLoop } from './wakeable-loop.js';

/** How many deliveries one instance sends at once. */
const CONCURRENCY = 16;
/** How many events one round fans out. */
const DISPATCH_BATCH = 500;
/** How much longer than an attempt may take a claim lasts: an instance that died holding it is waited for that long. */
const CLAIM_MARGIN_MS = 10_000;

/** How long to wait after a round failed (the database is down, say) before the next: no use asking every poll. */
const AFTER_FAILURE_MS = 5000;

/**
 * Runs delivery rounds: straight after one that found work, else every `pollIntervalMs`, or at once when woken (a
 * delivery settled, a replay or test was asked for here). Every replica runs one; the store decides which claims what.
 */
export class WebhookWorker {
  private readonly loop = new WakeableLoop(() => this.round());

  constructor(
    private readonly delivery: WebhookDelivery,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
  ) {}

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Removes the succeeded and dead deliveries past their retention. */
  sweep(): Promise<number> {
    return this.delivery.sweep();
  }

  /** Stops the rounds and waits up to `timeoutMs` for the deliveries under way. */
  async stop(timeoutMs: number): Promise<void> {
    await this.loop.stop();
    await this.delivery
      .stop(timeoutMs)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not hand the webhook deliveries back; their claims run out'));
  }

  /** One round; resolves with how long to wait: not at all after one that found work. */
  private async round(): Promise<number> {
    try {
      return (await this.delivery.round()) ? 0 : this.pollIntervalMs;
    } catch (error) {
      this.logger.warn({ err: error }, 'webhook delivery round failed; trying again shortly');
      return Math.max(this.pollIntervalMs, AFTER_FAILURE_MS);
    }
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

