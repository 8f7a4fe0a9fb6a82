import type { LookupAddress } from 'node:dns';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { SendResult } from '../../../domain/entities/webhook.js';
import type { WebhookMessage, WebhookSender } from '../../../domain/ports/output/webhook-sender.js';
import { AddressCheckError, checkedAddresses, pinnedTo, systemLookup, type HostLookup } from '../outbound/checked-addresses.js';
import type { OutboundPolicy } from '../outbound/outbound-policy.js';
import { newSecret, signatureHeader } from './standard-webhooks.js';
import { answered, readExcerpt, retryAfterMs } from './webhook-response.js';

export interface HttpWebhookSenderOptions {
  /** Every URL, and every address its host resolves to, must pass it. */
  policy: OutboundPolicy;
  /** Limit for the whole attempt: DNS, connecting, the response and reading its excerpt. Default 15 seconds. */
  timeoutMs?: number;
  /** Resolves host names before connecting; node:dns by default. */
  lookup?: HostLookup;
  /** The clock of `webhook-timestamp` and of Retry-After dates. */
  now?: () => Date;
}

type Outcome = Omit<SendResult, 'durationMs'>;

/**
 * Delivers webhooks as signed POSTs (Standard Webhooks). The connection goes to exactly the addresses the policy
 * checked, so a second DNS answer cannot swap in another one; redirects are not followed, since the receiver's
 * URL is the one the policy allowed. Errors name hosts and reasons, never a URL's path or query: a webhook URL
 * may carry a token there.
 */
export class HttpWebhookSender implements WebhookSender {
  private readonly policy: OutboundPolicy;
  private readonly timeoutMs: number;
  private readonly lookup: HostLookup;
  private readonly now: () => Date;

  constructor(options: HttpWebhookSenderOptions) {
    this.policy = options.policy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.lookup = options.lookup ?? systemLookup;
    this.now = options.now ?? (() => new Date());
  }

  refusalFor(url: string): string | undefined {
    if (!URL.canParse(url)) return 'it is not an absolute URL';
    return this.policy.refusalFor(new URL(url));
  }

  newSecret(): string {
    return newSecret();
  }

  async send(message: WebhookMessage): Promise<SendResult> {
    const started = performance.now();
    const measured = (outcome: Outcome): SendResult => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
    const refusal = this.refusalFor(message.url);
    if (refusal !== undefined) return measured(noStatus(`the URL is not allowed: ${refusal}`));
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      return measured(await this.attempt(new URL(message.url), message, deadline.signal));
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(url: URL, message: WebhookMessage, signal: AbortSignal): Promise<Outcome> {
    let response: IncomingMessage;
    try {
      const addresses = await untilAborted(checkedAddresses(url, this.lookup, this.policy), signal);
      response = await post(url, addresses, this.headersFor(message), message.body, signal);
    } catch (error) {
      if (error instanceof AddressCheckError && error.refused) return noStatus(`the URL is not allowed: ${error.message}`);
      return noStatus(`no HTTP response (${signal.aborted ? `nothing within ${this.timeoutMs} ms` : causeOf(error)})`);
    }
    const retryAfter = retryAfterMs(response.headers['retry-after'], this.now());
    return answered(response.statusCode ?? 0, await readExcerpt(response), retryAfter);
  }

  private headersFor({ id, body, secrets }: WebhookMessage): OutgoingHttpHeaders {
    const timestamp = Math.floor(this.now().getTime() / 1000);
    return {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'flink-job-scheduler',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, id, timestamp, body),
    };
  }
}

/** POSTs `body` to the checked addresses only and waits for the response head. */
function post(
  url: URL,
  addresses: LookupAddress[],
  headers: OutgoingHttpHeaders,
  body: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: 'POST', agent: false, lookup: pinnedTo(addresses), signal, headers }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}

/** Settles with `work`, or rejects once `signal` aborts: a DNS lookup cannot be cancelled, only left behind. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason);
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * A short cause: a host that does not resolve says so; otherwise the error code only, since Node's messages may
 * quote more than the host.
 */
function causeOf(error: unknown): string {
  if (error instanceof AddressCheckError) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'the connection failed';
}

function noStatus(error: string): Outcome {
  return { statusCode: null, responseExcerpt: null, error };
}
