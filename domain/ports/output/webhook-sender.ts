import type { SendResult, WebhookSecrets } from '../../entities/webhook.js';

export interface WebhookMessage {
  url: string;
  /** The `webhook-id` header: the event's id. */
  id: string;
  /** The body, exactly as it is signed and sent. */
  body: string;
  secrets: WebhookSecrets;
}

/**
 * Sends one signed delivery (Standard Webhooks) and reports what came back. Never throws for what the receiver or
 * the network did: a refused URL, no response or a timeout is a SendResult with no status code and an error.
 */
export interface WebhookSender {
  send(message: WebhookMessage): Promise<SendResult>;
  /** Why `url` may not be a webhook's URL (the outbound policy), or undefined if it may. */
  refusalFor(url: string): string | undefined;
  /** A new signing secret, `whsec_` and base64. */
  newSecret(): string;
}
