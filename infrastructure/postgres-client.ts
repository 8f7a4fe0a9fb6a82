import { Socket } from 'node:net';
import postgres from 'postgres';
import type { AppConfig } from './config.js';

export type DatabaseTimeouts = AppConfig['databaseTimeouts'];

/**
 * Longest wait, in seconds, before a connection that failed is tried again. postgres.js' own back-off grows to 20 s
 * during an outage, and the first requests after it waited that long; the health probe's regular query keeps
 * trying in the background, so the pool is back soon after the database.
 */
const MAX_RECONNECT_DELAY_S = 0.5;

/** How much longer than the server's statement timeout a connection may stay silent while a query waits. */
const SILENCE_GRACE_MS = 1_000;

/** postgres.js' back-off, in seconds: doubling from 50 ms, with jitter, up to MAX_RECONNECT_DELAY_S. */
function reconnectDelay(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, MAX_RECONNECT_DELAY_S);
}

/**
 * A postgres.js client that fails fast while the database is away: connecting is bounded by `connectMs`, a statement
 * by `statementMs` (on the server), and a connection that went silent by the watch below. Without `statementMs`
 * statements may take as long as they need (the migrations wait for each other's lock).
 */
export function postgresClient(url: string, max: number, timeouts: Partial<DatabaseTimeouts> = {}): postgres.Sql {
  const { connectMs, statementMs } = timeouts;
  return postgres(url, {
    max,
    // postgres.js prints server notices ("schema drizzle already exists, skipping") unless told otherwise.
    onnotice: () => {},
    backoff: reconnectDelay,
    ...(connectMs !== undefined && { connect_timeout: connectMs / 1000 }),
    ...(statementMs !== undefined && {
      connection: { statement_timeout: statementMs },
      socket: ({ host, port, path }: { host: string[]; port: number[]; path: string | false }) =>
        new SilenceWatchedSocket(statementMs + SILENCE_GRACE_MS).connectTo(path || { host: host[0]!, port: port[0]! }),
    }),
  });
}

/**
 * postgres.js waits for ever for an answer on a connection whose peer went silent: a network outage closes nothing.
 * This socket takes itself for dead once something was sent and nothing at all came back for `silenceMs` (longer
 * than the server's statement timeout, after which the server answers with an error): it is destroyed, postgres.js
 * fails the queries on it (a 503) and opens a new connection for the next. Over TLS, postgres.js wraps the socket
 * and writes past this watch; there the connection and statement timeouts are the bounds.
 */
class SilenceWatchedSocket extends Socket {
  private silence: NodeJS.Timeout | undefined;

  constructor(private readonly silenceMs: number) {
    super();
    this.on('data', () => this.heard());
    this.on('close', () => this.heard());
  }

  connectTo(target: string | { host: string; port: number }): this {
    // postgres.js names a failed connection by these.
    if (typeof target === 'string') return this.connect(target);
    Object.assign(this, target);
    return this.connect(target.port, target.host);
  }

  // The stream hooks every write goes through (connect() resets an overridden `write` to net's own).
  override _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.expectAnswer();
    super._write(chunk, encoding, callback);
  }

  override _writev(chunks: { chunk: unknown; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    this.expectAnswer();
    super._writev!(chunks, callback);
  }

  private expectAnswer(): void {
    this.silence ??= setTimeout(() => {
      const error = new Error(`PostgreSQL sent nothing for ${this.silenceMs} ms; connection closed`);
      this.destroy(Object.assign(error, { code: 'ETIMEDOUT' }));
    }, this.silenceMs);
  }

  private heard(): void {
    clearTimeout(this.silence);
    this.silence = undefined;
  }
}
