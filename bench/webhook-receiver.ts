/**
 * The webhook receiver of bench/webhook-lag.ts: a node:http server on 127.0.0.1 in the benchmark's own process
 * that answers every POST 200 and keeps, per `webhook-id`, when it first arrived (its body read in full) and the
 * CloudEvent `time` it carried. `down()` closes the port, so deliveries are refused; `up()` opens the same port
 * again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receipt {
  /** When the body had arrived the first time, in epoch ms. */
  firstAt: number;
  /** The CloudEvent `time` of the body, in epoch ms. */
  eventTime: number;
  type: string;
  /** How many times it was answered 2xx. */
  accepted: number;
}

export class BenchReceiver {
  /** By `webhook-id` (the event's id). */
  readonly receipts = new Map<string, Receipt>();
  /** A body as it was delivered, for a bare POST of the same size. */
  sampleBody: string | undefined;
  private server: Server | undefined;
  private port = 0;

  static async start(): Promise<BenchReceiver> {
    const receiver = new BenchReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/bench`;
  }

  /** The `host:port` for WEBHOOK_ALLOWED_HOSTS. */
  get origin(): string {
    return `127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.record(String(request.headers['webhook-id']), Buffer.concat(chunks).toString(), Date.now());
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port and every open connection: from now on connections are refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The ids answered 2xx more than once. */
  duplicates(): number {
    let count = 0;
    for (const receipt of this.receipts.values()) if (receipt.accepted > 1) count++;
    return count;
  }

  /** The first receipt at or after `since` (epoch ms), or undefined. */
  firstSince(since: number): number | undefined {
    let first: number | undefined;
    for (const { firstAt } of this.receipts.values()) if (firstAt >= since && (first === undefined || firstAt < first)) first = firstAt;
    return first;
  }

  /** How many ids first arrived in [from, to] (epoch ms). */
  arrivedBetween(from: number, to: number): number {
    let count = 0;
    for (const { firstAt } of this.receipts.values()) if (firstAt >= from && firstAt <= to) count++;
    return count;
  }

  private record(id: string, body: string, at: number): void {
    const known = this.receipts.get(id);
    if (known) {
      known.accepted++;
      return;
    }
    let event: { time?: string; type?: string } = {};
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      // Not a CloudEvent: kept with no time, so it shows as unusable rather than vanishing.
    }
    this.receipts.set(id, { firstAt: at, eventTime: Date.parse(event.time ?? ''), type: String(event.type), accepted: 1 });
    if (event.type === 'run.succeeded') this.sampleBody ??= body;
  }
}
