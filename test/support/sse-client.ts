export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A Server-Sent Events client over a real HTTP connection, reading the stream as it arrives. `next` resolves with the
 * next message, or null once the server ended the stream; it fails after `timeoutMs` without either.
 */
export class SseClient {
  /** The comment lines (`: ...`) received so far. */
  readonly comments: string[] = [];
  private readonly messages: SseMessage[] = [];
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private ended = false;
  /** A read that a timeout gave up on still takes the next chunk: the next wait picks it up. */
  private pending: Promise<{ done: boolean; value?: Uint8Array }> | undefined;

  private constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly connection: AbortController,
  ) {}

  /** Opens the stream; resolves once the response headers are in. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const connection = new AbortController();
    const response = await fetch(url, { headers, signal: connection.signal });
    return new SseClient(response, response.body!.getReader(), connection);
  }

  async next(timeoutMs = 10_000): Promise<SseMessage | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0 && !this.ended) await this.read(deadline, 'message');
    return this.messages.shift() ?? null;
  }

  /** The next `count` messages; fails if the stream ends before. */
  async take(count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
    const taken: SseMessage[] = [];
    while (taken.length < count) {
      const message = await this.next(timeoutMs);
      if (!message) throw new Error(`the stream ended after ${taken.length} of ${count} messages`);
      taken.push(message);
    }
    return taken;
  }

  /** Waits until a comment has arrived. */
  async nextComment(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.comments.length === 0 && !this.ended) await this.read(deadline, 'comment');
    if (this.comments.length === 0) throw new Error('the stream ended before a comment');
    return this.comments[0]!;
  }

  /** Drops the connection, as a client that goes away does. */
  close(): void {
    this.connection.abort();
  }

  private async read(deadline: number, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} on the event stream in time`)), Math.max(0, deadline - Date.now()));
    });
    try {
      this.pending ??= this.reader.read();
      const { done, value } = await Promise.race([this.pending, timeout]);
      this.pending = undefined;
      if (done) this.ended = true;
      else this.parse(this.decoder.decode(value, { stream: true }));
    } finally {
      clearTimeout(timer);
    }
  }

  private parse(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
      }
      if (data.length > 0) this.messages.push({ ...message, data: data.join('\n') });
    }
  }
}
