import type { AuditContext } from '../../entities/audit.js';
import { isEntityId } from '../../entities/ids.js';
import {
  SECRET_OVERLAP_MS,
  WEBHOOK_TEST_EVENT,
  type Delivery,
  type TestEvent,
  type Webhook,
  type WebhookDefinition,
} from '../../entities/webhook.js';
import { DeliveryInFlightError, DeliveryNotFoundError, WebhookNotFoundError, WebhookUrlRefusedError } from '../../errors.js';
import type { WebhookAdministration, WebhookWithSecret } from '../../ports/input/webhooks.js';
import type { Clock } from '../../ports/output/clock.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { DeliveryLog, DeliveryQuery, WebhookRepository } from '../../ports/output/webhook-repository.js';
import type { WebhookSender } from '../../ports/output/webhook-sender.js';
import type { AuditedChanges, ChangeRecord } from '../change-records.js';

/** The most events one replay-since queues; a call made while those are in flight skips them and queues the next. */
export const REPLAY_SINCE_LIMIT = 10_000;

const TEST_MESSAGE = 'A test event from the Flink job scheduler: this webhook is reachable and its signature can be checked.';

/** The audit row of a change to webhook `id`: webhooks have no versions. */
const changeOf = (id: string): ChangeRecord => ({ resourceId: id, versionBefore: null, versionAfter: null });

export class WebhookAdministrationService implements WebhookAdministration {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly deliveryLog: DeliveryLog,
    private readonly changes: AuditedChanges,
    private readonly sender: Pick<WebhookSender, 'refusalFor' | 'newSecret'>,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Tells the delivery worker new deliveries are waiting, so it need not wait for its next poll. */
    private readonly wake: () => void = () => {},
  ) {}

  async create(definition: WebhookDefinition, audit: AuditContext): Promise<WebhookWithSecret> {
    this.checkUrl(definition.url);
    const now = this.clock.now();
    const webhook: Webhook = {
      ...definition,
      id: this.ids.newId(),
      createdAt: now,
      updatedAt: now,
      disabledReason: null,
      previousSecretExpiresAt: null,
    };
    const secret = this.sender.newSecret();
    await this.changes.run(audit, ({ webhooks }) => webhooks.insert(webhook, secret), () => changeOf(webhook.id));
    return { webhook, secret };
  }

  list(page: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Webhook[]> {
    return this.webhooks.list(page);
  }

  async get(id: string): Promise<Webhook> {
    const webhook = isEntityId(id) ? await this.webhooks.get(id) : undefined;
    if (!webhook) throw new WebhookNotFoundError(id);
    return webhook;
  }

  async replace(id: string, definition: WebhookDefinition, audit: AuditContext): Promise<Webhook> {
    this.checkUrl(definition.url);
    const replaced = isEntityId(id)
      ? await this.changes.run(
          audit,
          ({ webhooks }) => webhooks.replace(id, definition, this.clock.now()),
          (webhook) => webhook && changeOf(id),
        )
      : undefined;
    if (!replaced) throw new WebhookNotFoundError(id);
    return replaced;
  }

  async remove(id: string, audit: AuditContext): Promise<void> {
    const removed =
      isEntityId(id) && (await this.changes.run(audit, ({ webhooks }) => webhooks.remove(id), (done) => (done ? changeOf(id) : undefined)));
    if (!removed) throw new WebhookNotFoundError(id);
  }

  async rotateSecret(id: string, audit: AuditContext): Promise<WebhookWithSecret> {
    const secret = this.sender.newSecret();
    const now = this.clock.now();
    const previousUntil = new Date(now.getTime() + SECRET_OVERLAP_MS);
    const webhook = isEntityId(id)
      ? await this.changes.run(
          audit,
          ({ webhooks }) => webhooks.rotateSecret(id, secret, previousUntil, now),
          (rotated) => rotated && changeOf(id),
        )
      : undefined;
    if (!webhook) throw new WebhookNotFoundError(id);
    return { webhook, secret };
  }

  async deliveries(query: DeliveryQuery): Promise<Delivery[]> {
    await this.get(query.webhookId);
    return this.deliveryLog.list(query);
  }

  async delivery(webhookId: string, deliveryId: string): Promise<Delivery> {
    await this.get(webhookId);
    const delivery = isEntityId(deliveryId) ? await this.deliveryLog.get(webhookId, deliveryId) : undefined;
    if (!delivery) throw new DeliveryNotFoundError(deliveryId);
    return delivery;
  }

  async replay(webhookId: string, deliveryId: string, audit: AuditContext): Promise<Delivery> {
    const delivery = await this.queueFor(audit, webhookId, async (deliveries) => {
      const replayed = isEntityId(deliveryId)
        ? await deliveries.replay(webhookId, deliveryId, this.ids.newId(), this.clock.now())
        : undefined;
      if (replayed === 'in-flight') throw new DeliveryInFlightError(deliveryId);
      if (!replayed) throw new DeliveryNotFoundError(deliveryId);
      return replayed;
    });
    this.wake();
    return delivery;
  }

  /** Recorded even when nothing was queued: the request was allowed and carried out. */
  async replaySince(webhookId: string, since: Date, audit: AuditContext): Promise<number> {
    const queued = await this.queueFor(audit, webhookId, (deliveries) =>
      deliveries.replaySince(webhookId, since, this.clock.now(), REPLAY_SINCE_LIMIT),
    );
    if (queued > 0) this.wake();
    return queued;
  }

  async sendTest(webhookId: string, audit: AuditContext): Promise<Delivery> {
    const now = this.clock.now();
    const event: TestEvent = { id: this.ids.newId(), type: WEBHOOK_TEST_EVENT, time: now, data: { webhookId, message: TEST_MESSAGE } };
    const delivery = await this.queueFor(audit, webhookId, (deliveries) => deliveries.enqueueTest(webhookId, this.ids.newId(), event, now));
    this.wake();
    return delivery;
  }

  /**
   * Queues deliveries to an existing webhook, with the audit row. The webhook is read in the change's own
   * transaction: the non-transactional repository would wait on that transaction's locks.
   */
  private queueFor<T>(audit: AuditContext, webhookId: string, queue: (deliveries: DeliveryLog) => Promise<T>): Promise<T> {
    return this.changes.run(
      audit,
      async ({ webhooks, deliveries }) => {
        const webhook = isEntityId(webhookId) ? await webhooks.get(webhookId) : undefined;
        if (!webhook) throw new WebhookNotFoundError(webhookId);
        return queue(deliveries);
      },
      () => changeOf(webhookId),
    );
  }

  private checkUrl(url: string): void {
    const refusal = this.sender.refusalFor(url);
    if (refusal) throw new WebhookUrlRefusedError(refusal);
  }
}
