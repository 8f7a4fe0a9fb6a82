import type { AuditContext } from '../../entities/audit.js';
import type { Delivery, Webhook, WebhookDefinition } from '../../entities/webhook.js';
import type { DeliveryQuery } from '../output/webhook-repository.js';

/** A webhook with its signing secret, shown once: when it is created and when the secret is rotated. */
export interface WebhookWithSecret {
  webhook: Webhook;
  secret: string;
}

/**
 * Managing webhooks and their deliveries. Every change commits with its audit row. Throws WebhookNotFoundError,
 * DeliveryNotFoundError, DeliveryInFlightError and WebhookUrlRefusedError.
 */
export interface WebhookAdministration {
  create(definition: WebhookDefinition, audit: AuditContext): Promise<WebhookWithSecret>;
  list(page: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Webhook[]>;
  get(id: string): Promise<Webhook>;
  replace(id: string, definition: WebhookDefinition, audit: AuditContext): Promise<Webhook>;
  remove(id: string, audit: AuditContext): Promise<void>;
  /** A new secret; the one before keeps signing beside it for 24 hours. */
  rotateSecret(id: string, audit: AuditContext): Promise<WebhookWithSecret>;
  deliveries(query: DeliveryQuery): Promise<Delivery[]>;
  delivery(webhookId: string, deliveryId: string): Promise<Delivery>;
  replay(webhookId: string, deliveryId: string, audit: AuditContext): Promise<Delivery>;
  /** Resolves with how many deliveries it queued. */
  replaySince(webhookId: string, since: Date, audit: AuditContext): Promise<number>;
  sendTest(webhookId: string, audit: AuditContext): Promise<Delivery>;
}
