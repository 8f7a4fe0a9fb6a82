import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  id: string;
  timestamp: string;
  signatures: string[];
  body: string;
  /** The body as JSON (a CloudEvent). */
  event: any;
  receivedAt: number;
  /** What the receiver answered. */
  status: number;
}

/** What the receiver answers: a status (and headers), or `hang` to never answer. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP server on loopback that takes webhook deliveries and records every request, answering as told
 * (200 unless `answer` says otherwise). `down()` closes the port (connections refused); `up()` opens it again on
 * the same port.
 */
export class WebhookReceiver {
  /** Every request answered, in the order they came. */
  readonly received: ReceivedDelivery[] = [];
  /** Every request that came, answered or not (a `hang` is not answered). */
  arrivals = 0;
  answer: (delivery: ReceivedDelivery) => ReceiverAnswer = () => ({ status: 200 });
  private server: Server | undefined;
  private port = 0;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/in`;
  }

  /** The `host:port` to list in WEBHOOK_ALLOWED_HOSTS. */
  get origin(): string {
    return `127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const delivery: ReceivedDelivery = {
          id: String(request.headers['webhook-id']),
          timestamp: String(request.headers['webhook-timestamp']),
          signatures: String(request.headers['webhook-signature'] ?? '').split(' '),
          body,
          event: safeJson(body),
          receivedAt: Date.now(),
          status: 0,
        };
        this.arrivals++;
        const answer = this.answer(delivery);
        if (answer === 'hang') return;
        delivery.status = answer.status;
        this.received.push(delivery);
        response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The deliveries answered 2xx, first receipt of each `webhook-id` only. */
  accepted(): ReceivedDelivery[] {
    const seen = new Set<string>();
    return this.received.filter((delivery) => {
      if (delivery.status < 200 || delivery.status >= 300 || seen.has(delivery.id)) return false;
      seen.add(delivery.id);
      return true;
    });
  }
}

/** Whether `delivery` carries a valid Standard Webhooks signature made with `secret`, computed here on its own. */
export function signedWith(delivery: ReceivedDelivery, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`).digest('base64');
  return delivery.signatures.includes(`v1,${expected}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
