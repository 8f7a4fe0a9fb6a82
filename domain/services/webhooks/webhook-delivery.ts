import { deliveryBody, judgeAttempt, type ClaimedDelivery, type DeliveryAttempt, type DeliveryStatus } from '../../entities/webhook.js';
import type { Clock } from '../../ports/output/clock.js';
import type { DeliveryQueue } from '../../ports/output/webhook-repository.js';
import type { WebhookSender } from '../../ports/output/webhook-sender.js';
import { sweepOlderThan } from '../retention.js';

export interface DeliverySettings {
  /** This instance's name on the deliveries it claims. */
  owner: string;
  /** The wait before each retry; after the last, a delivery is dead. */
  retryDelaysMs: readonly number[];
  /** How long a claim lasts: longer than one attempt may take, so a live instance never loses it. */
  leaseMs: number;
  /** How many deliveries may be on their way at once. */
  concurrency: number;
  /** How many events one dispatch fans out. */
  dispatchBatch: number;
  /** How long succeeded and dead deliveries are kept (EVENT_RETENTION_DAYS). */
  retentionDays: number;
}

/** How an attempt ended, for the deliveries counter. */
export type AttemptOutcome = Exclude<DeliveryStatus, 'pending'>;

export interface DeliveryObserver {
  attempted(outcome: AttemptOutcome): void;
  /** A delivery is off this instance's hands: its job's next one may be due now. */
  settled(): void;
  /** An attempt could not be recorded (the store failed): its claim runs out and it is tried again. */
  failed(error: unknown): void;
}

/**
 * Delivers the outbox's events to webhooks, at least once and in order per (webhook, job). A round fans newly
 * committed events out into deliveries and claims as many due deliveries as there is room for; each is sent
 * without holding the round up, so one slow receiver delays only its own job's events. What the store holds is
 * the whole state: a crash loses nothing but the claims, and those run out and are taken over.
 */
export class WebhookDelivery {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly sender: Pick<WebhookSender, 'send'>,
    private readonly clock: Clock,
    private readonly settings: DeliverySettings,
    private readonly observer: DeliveryObserver,
    private readonly random: () => number = Math.random,
  ) {}

  /** One round; resolves with whether it found work (then another round is worth starting at once). */
  async round(): Promise<boolean> {
    const dispatched = await this.queue.dispatch(this.settings.dispatchBatch, this.clock.now());
    const room = this.settings.concurrency - this.inFlight.size;
    if (room <= 0) return dispatched > 0;
    const now = this.clock.now();
    const claimed = await this.queue.claim(this.settings.owner, room, now, new Date(now.getTime() + this.settings.leaseMs));
    for (const delivery of claimed) this.track(this.deliver(delivery).catch((error: unknown) => this.observer.failed(error)));
    return dispatched > 0 || claimed.length > 0;
  }

  /**
   * Waits up to `waitMs` for the deliveries under way, then hands back the claims of any still unrecorded: another
   * instance sends them again (at least once), rather than after their claims run out.
   */
  async stop(waitMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), waited]);
    clearTimeout(timer);
    await this.queue.release(this.settings.owner);
  }

  /** Removes the succeeded and dead deliveries past their retention; resolves with how many. */
  sweep(): Promise<number> {
    return sweepOlderThan((before, limit) => this.queue.removeSettledBefore(before, limit), this.clock.now(), this.settings.retentionDays);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.observer.settled();
    });
  }

  private async deliver(claimed: ClaimedDelivery): Promise<void> {
    const { delivery } = claimed;
    const result = await this.sender.send({
      url: claimed.url,
      id: delivery.eventId,
      body: deliveryBody(claimed.event),
      secrets: claimed.secrets,
    });
    const at = this.clock.now();
    const verdict = judgeAttempt(result, delivery.attempts.length, this.settings.retryDelaysMs, at, this.random());
    const attempt: DeliveryAttempt = {
      at,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      responseExcerpt: result.responseExcerpt,
      error: result.error ?? null,
    };
    const gone = verdict.status === 'dead' && verdict.gone;
    await this.queue.recordAttempt(this.settings.owner, delivery.id, attempt, {
      status: verdict.status,
      nextAttemptAt: verdict.status === 'failed' ? verdict.nextAttemptAt : null,
      ...(gone ? { disableWebhook: `the receiver answered 410 Gone at ${at.toISOString()}` } : {}),
    });
    this.observer.attempted(verdict.status);
  }
}
