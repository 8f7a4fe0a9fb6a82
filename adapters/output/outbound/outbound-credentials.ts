import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { formatOriginPattern, matchesOrigin, overlaps, parseOriginPattern, type OriginPattern } from './origin-pattern.js';

interface Entry {
  origin: OriginPattern;
  authorization: string;
  line: number;
}

const LINE_FORMAT = "expected '<host> bearer <token>' or '<host> basic <user>:<password>'";

/**
 * Per-host credentials for outbound requests, from a file of lines `<host> bearer <token>` or
 * `<host> basic <user>:<password>` (`host` or `host:port`, matched like an allowlist entry; `#` starts a comment
 * line). Only the request to that very origin gets the Authorization header, a redirect elsewhere does not.
 * The secrets live in a private field: JSON, loggers and `inspect` see the hosts only.
 */
export class OutboundCredentials {
  static readonly none = new OutboundCredentials([]);

  readonly #entries: readonly Entry[];

  private constructor(entries: readonly Entry[]) {
    this.#entries = entries;
  }

  /** Reads the file's text. Throws an Error naming the line that is wrong and why, never its content. */
  static parse(text: string): OutboundCredentials {
    const entries: Entry[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
      const entry = parseLine(raw.trim(), index + 1);
      if (!entry) return;
      const earlier = entries.find((other) => overlaps(other.origin, entry.origin));
      if (earlier) throw new Error(`line ${entry.line}: the same host and port as line ${earlier.line}`);
      entries.push(entry);
    });
    return new OutboundCredentials(entries);
  }

  /** The Authorization header value for a request to `url`, if its origin has credentials. */
  authorizationFor(url: URL): string | undefined {
    return this.#entries.find((entry) => matchesOrigin(entry.origin, url))?.authorization;
  }

  /** The hosts that have credentials, as written (`host` or `host:port`). */
  get hosts(): string[] {
    return this.#entries.map((entry) => formatOriginPattern(entry.origin));
  }

  toJSON(): { hosts: string[] } {
    return { hosts: this.hosts };
  }

  [inspect.custom](): string {
    return `OutboundCredentials { hosts: [${this.hosts.join(', ')}] }`;
  }
}

/** Reads a credentials file; an Error says why it cannot be used (unreadable, or which line is wrong). */
export function readOutboundCredentials(path: string): OutboundCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return OutboundCredentials.parse(text);
}

/** One line as an entry, undefined for blank and comment lines. Messages never repeat a field: any may be a secret. */
function parseLine(line: string, number: number): Entry | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  const fail = (reason: string) => new Error(`line ${number}: ${reason}`);
  const [, host = '', scheme = '', value = ''] = /^(\S+)\s+(\S+)\s+(.+)$/.exec(line) ?? [];
  if (!value) throw fail(LINE_FORMAT);
  const origin = parseOriginPattern(host);
  if (!origin) throw fail('the first field is not a host or host:port');
  if (/[\x00-\x1f\x7f]/.test(value)) throw fail('the credentials contain a control character');
  switch (scheme.toLowerCase()) {
    case 'bearer':
      if (/\s/.test(value)) throw fail('a bearer token has no spaces');
      return { origin, authorization: `Bearer ${value}`, line: number };
    case 'basic':
      if (!/^[^:]+:/.test(value)) throw fail("basic credentials are '<user>:<password>'");
      return { origin, authorization: `Basic ${Buffer.from(value, 'utf8').toString('base64')}`, line: number };
    default:
      throw fail(`the second field must be bearer or basic; ${LINE_FORMAT}`);
  }
}
