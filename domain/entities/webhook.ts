import { cloudEvent, EVENT_SOURCE, type StoredEvent } from './event.js';

/** What a user defines: where to send, and which events (by type glob and by the job's labels). */
export interface WebhookDefinition {
  url: string;
  description: string | null;
  /** Globs over event types: `*` stands for any characters, as in `run.*`; `*` alone takes every event. */
  eventTypes: string[];
  /** Only events about jobs carrying every one of these labels; null for every job. */
  jobLabels: Record<string, string> | null;
  enabled: boolean;
}

export interface Webhook extends WebhookDefinition {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  /** Why the service turned it off (the receiver answered 410 Gone); null when a user did, or it is on. */
  disabledReason: string | null;
  /** Until when the secret before the last rotation still signs deliveries too; null when there is none. */
  previousSecretExpiresAt: Date | null;
}

/** The secrets deliveries are signed with: the current one, and the one before a rotation while it lasts. */
export interface WebhookSecrets {
  current: string;
  previous: string | null;
}

/** How long a rotated-out secret keeps signing beside the new one. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The event type of `POST /webhooks/:id/test`; it is delivered to that webhook only and never stored as an event. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const EVENT_TYPE_GLOB = /^[a-z_*]+(\.[a-z_*]+)*$/;

/** A regular expression matching the event types `globs` select, anchored, for the store to match with. */
export function eventTypePattern(globs: readonly string[]): string {
  const alternatives = globs.map((glob) => glob.split('*').map(escapeRegex).join('.*'));
  return `^(${alternatives.join('|')})$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function selectsEventType(globs: readonly string[], type: string): boolean {
  return new RegExp(eventTypePattern(globs)).test(type);
}

/** Where a delivery stands: waiting for its first attempt, waiting for a retry, done, or given up on. */
export const DELIVERY_STATUSES = ['pending', 'failed', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One try to deliver: what the receiver answered (nothing, when no HTTP response came) and how long it took. */
export interface DeliveryAttempt {
  at: Date;
  /** Null when no HTTP response came (refused, timed out, not allowed). */
  statusCode: number | null;
  durationMs: number;
  /** The first KiB of the response body, as text. */
  responseExcerpt: string | null;
  /** Why it did not succeed, in one sentence; null for a 2xx. */
  error: string | null;
}

/** One event on its way to one webhook. A replay makes a new delivery of the same event (same `webhook-id`). */
export interface Delivery {
  id: string;
  webhookId: string;
  /** The event's id: the `webhook-id` header, the same for every attempt and replay. */
  eventId: string;
  eventType: string;
  /** The job the event is about; null for a test event. */
  jobId: string | null;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** When the next attempt is due; null once succeeded or dead. */
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery claimed for an attempt, with what it takes to send it. */
export interface ClaimedDelivery {
  delivery: Delivery;
  url: string;
  secrets: WebhookSecrets;
  /** The body: the stored event, or the test event's own payload. */
  event: StoredEvent | TestEvent;
}

export interface TestEvent {
  id: string;
  type: typeof WEBHOOK_TEST_EVENT;
  time: Date;
  data: { webhookId: string; message: string };
}

/** What the receiver made of one attempt, as the sender saw it. */
export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  /** Why it failed (no response, not allowed, a status that is not 2xx); undefined for a 2xx. */
  error?: string;
  /** The receiver's Retry-After, in milliseconds from now. */
  retryAfterMs?: number;
}

/** What follows an attempt: success, a retry at `nextAttemptAt`, or the end (dead, and with `gone` the webhook off). */
export type AttemptVerdict =
  | { status: 'succeeded' }
  | { status: 'failed'; nextAttemptAt: Date }
  | { status: 'dead'; gone: boolean };

/**
 * Judges an attempt. `retryDelaysMs` is the wait before each retry (its length the number of retries);
 * `attemptsBefore` the attempts made before this one; `random` in [0, 1) spreads each wait by ±20 % so that
 * deliveries failed together do not retry together. A Retry-After replaces the wait, never beyond the longest one.
 */
export function judgeAttempt(
  result: SendResult,
  attemptsBefore: number,
  retryDelaysMs: readonly number[],
  now: Date,
  random: number,
): AttemptVerdict {
  if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) return { status: 'succeeded' };
  if (result.statusCode === 410) return { status: 'dead', gone: true };
  const delay = retryDelaysMs[attemptsBefore];
  if (delay === undefined) return { status: 'dead', gone: false };
  const longest = Math.max(...retryDelaysMs);
  const wait =
    result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, longest) : Math.round(delay * (0.8 + 0.4 * random));
  return { status: 'failed', nextAttemptAt: new Date(now.getTime() + wait) };
}

/** The body of a delivery: the event in CloudEvents 1.0 structured JSON, as the event feed lists it. */
export function deliveryBody(event: StoredEvent | TestEvent): string {
  if (event.type !== WEBHOOK_TEST_EVENT) return JSON.stringify(cloudEvent(event as StoredEvent));
  const { id, type, time, data } = event as TestEvent;
  return JSON.stringify({
    specversion: '1.0',
    id,
    type,
    source: EVENT_SOURCE,
    subject: data.webhookId,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    data,
  });
}
