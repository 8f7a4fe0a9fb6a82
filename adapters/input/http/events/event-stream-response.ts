import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StoredEvent } from '../../../../domain/entities/event.js';
import { toEventResource } from './event-resource.js';

/** The comment sent while no event comes, so proxies do not close an idle stream. */
const HEARTBEAT = ': keep-alive\n\n';

/**
 * Answers with the events `open` gives as Server-Sent Events. `open` is called before the response starts, so what
 * it throws (a bad position, an unknown execution) is answered as a problem; the events are then written one by one
 * as the client takes them. The stream ends when the events do (a run ended, the service shuts down) or the client
 * goes away; either way the reading stops.
 */
export async function eventStreamResponse(
  c: Context,
  heartbeatMs: number,
  open: (stop: AbortSignal) => Promise<AsyncIterable<StoredEvent>>,
): Promise<Response> {
  const stop = new AbortController();
  const events = await open(stop.signal);
  return streamSSE(c, async (stream) => {
    const end = () => stop.abort();
    stream.onAbort(end);
    c.req.raw.signal.addEventListener('abort', end, { once: true });
    // One heartbeat at most waits behind a client that does not read: none pile up.
    let beating = false;
    const heartbeat = setInterval(() => {
      if (beating) return;
      beating = true;
      void stream.write(HEARTBEAT).finally(() => (beating = false));
    }, heartbeatMs);
    try {
      for await (const event of events) {
        await stream.writeSSE({ id: event.sequence, event: event.type, data: JSON.stringify(toEventResource(event)) });
        if (stop.signal.aborted) break;
      }
    } finally {
      clearInterval(heartbeat);
      end();
    }
  });
}

/** Where a stream starts: after the last message the client received when it reconnects, else after `after`. */
export const streamPosition = (lastEventId: string | undefined, after: string | undefined) => lastEventId ?? after;
