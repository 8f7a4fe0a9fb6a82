import type {
  ClaimedDelivery,
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  TestEvent,
  Webhook,
  WebhookDefinition,
} from '../../entities/webhook.js';

/** Webhooks and their secrets. Secrets are written here and read only by the delivery queue, never listed. */
export interface WebhookRepository {
  insert(webhook: Webhook, secret: string): Promise<void>;
  get(id: string): Promise<Webhook | undefined>;
  /** Oldest first (by createdAt, then id), after the webhook `after` names. */
  list(page: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Webhook[]>;
  /** Replaces the definition; turning it on again clears `disabledReason`. Undefined when there is no such webhook. */
  replace(id: string, definition: WebhookDefinition, at: Date): Promise<Webhook | undefined>;
  /** Removes it with its deliveries; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Makes `secret` the current one; the one before keeps signing until `previousUntil`. */
  rotateSecret(id: string, secret: string, previousUntil: Date, at: Date): Promise<Webhook | undefined>;
}

export interface DeliveryQuery {
  webhookId: string;
  status?: DeliveryStatus;
  limit: number;
  /** Newest first: deliveries created before this one. */
  after?: { createdAt: Date; id: string };
}

/** The deliveries of each webhook as users see and replay them. */
export interface DeliveryLog {
  list(query: DeliveryQuery): Promise<Delivery[]>;
  get(webhookId: string, deliveryId: string): Promise<Delivery | undefined>;
  /**
   * A new pending delivery of the same event as `deliveryId`. Undefined when there is no such delivery or its
   * event is gone; `in-flight` when that event still has a pending or failed delivery to this webhook.
   */
  replay(webhookId: string, deliveryId: string, newId: string, now: Date): Promise<Delivery | 'in-flight' | undefined>;
  /**
   * New pending deliveries of the stored events at or after `since` that the webhook selects now, except those
   * with a delivery still pending or failed; at most `limit`, oldest first. Resolves with how many.
   */
  replaySince(webhookId: string, since: Date, now: Date, limit: number): Promise<number>;
  /** A pending delivery of `event` (a test event) to this webhook only. */
  enqueueTest(webhookId: string, deliveryId: string, event: TestEvent, now: Date): Promise<Delivery>;
}

/** What the delivery worker asks of the store; each call is one short transaction. */
export interface DeliveryQueue {
  /**
   * Fans the next `limit` committed events, in order, out to the enabled webhooks that select them (one pending
   * delivery each) and moves the shared position past them. One instance at a time; an instance that finds the
   * position locked by another does nothing. Resolves with how many events it went past.
   */
  dispatch(limit: number, now: Date): Promise<number>;
  /**
   * Claims up to `limit` due deliveries of enabled webhooks for `owner` until `leaseUntil`: only the oldest
   * unfinished delivery of each (webhook, job), so a job's events reach a webhook in order, and rows claimed by a
   * live instance are skipped. A lease that ran out is taken over.
   */
  claim(owner: string, limit: number, now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]>;
  /**
   * Records an attempt of a delivery `owner` holds and its outcome, releasing the claim; with `disableWebhook`, also
   * turns its webhook off giving that reason. False when the claim was lost (another instance took it over).
   */
  recordAttempt(
    owner: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
    outcome: { status: DeliveryStatus; nextAttemptAt: Date | null; disableWebhook?: string },
  ): Promise<boolean>;
  /** Hands back every claim `owner` holds (at a clean shutdown), so another instance picks them up at once. */
  release(owner: string): Promise<void>;
  /** Removes up to `limit` succeeded or dead deliveries last changed before `before`; resolves with how many. */
  removeSettledBefore(before: Date, limit: number): Promise<number>;
  /** How many deliveries are pending or failed, and how many are dead: for /metrics. */
  backlog(): Promise<{ waiting: number; dead: number }>;
}
