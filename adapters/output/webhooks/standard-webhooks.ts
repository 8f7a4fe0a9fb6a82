import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSecrets } from '../../../domain/entities/webhook.js';

/** Standard Webhooks (https://www.standardwebhooks.com): a secret is this prefix and the base64 of its key. */
const SECRET_PREFIX = 'whsec_';
/** The spec allows 24 to 64 bytes of key; 32 is what SHA-256 can use in full. */
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` and the base64 of 32 random bytes. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The `v1` signature of one message: base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the secret's bytes. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('a webhook secret must hold a base64 key after whsec_');
  const digest = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/**
 * The `webhook-signature` header: the current secret's signature, and during a rotation the previous one's after a
 * space, so receivers still on the old secret keep verifying.
 */
export function signatureHeader(secrets: WebhookSecrets, id: string, timestamp: number, body: string): string {
  const keys = secrets.previous === null ? [secrets.current] : [secrets.current, secrets.previous];
  return keys.map((secret) => signature(secret, id, timestamp, body)).join(' ');
}
