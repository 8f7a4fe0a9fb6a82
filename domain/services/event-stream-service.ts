import { isEntityId } from '../entities/ids.js';
import type { EventType, StoredEvent } from '../entities/event.js';
import { TERMINAL_STATUSES } from '../entities/execution-status.js';
import { ExecutionNotFoundError } from '../errors.js';
import type { EventStream, EventStreamQuery } from '../ports/input/event-stream.js';
import type { EventOutbox, EventQuery } from '../ports/output/event-outbox.js';
import type { ExecutionRepository } from '../ports/output/execution-repository.js';

/** How many events one read of the outbox takes: the most a stream holds in memory. */
const PAGE_SIZE = 100;

/** The events after which an execution changes no more. */
const TERMINAL_EVENTS: ReadonlySet<EventType> = new Set(['run.succeeded', 'run.failed', 'run.stopped', 'run.skipped']);

/** When a stream has read every stored event, it looks again once a poll interval has passed. */
export class EventStreamService implements EventStream {
  private readonly closing = new AbortController();

  constructor(
    private readonly outbox: EventOutbox,
    private readonly executions: Pick<ExecutionRepository, 'findById'>,
    private readonly pollIntervalMs: number,
  ) {}

  async follow(query: EventStreamQuery, stop: AbortSignal): Promise<AsyncIterable<StoredEvent>> {
    return this.open({ ...query, limit: PAGE_SIZE }, stop, { endsAt: () => false, endsWhenCaughtUp: false });
  }

  async followExecution(executionId: string, after: string | undefined, stop: AbortSignal): Promise<AsyncIterable<StoredEvent>> {
    const execution = isEntityId(executionId) ? await this.executions.findById(executionId) : undefined;
    if (!execution) throw new ExecutionNotFoundError(executionId);
    const query = { jobId: execution.jobId, executionId, after, limit: PAGE_SIZE };
    // A run that had ended before it was asked about may have its terminal event before `after`, or none stored
    // (swept, or older than the outbox): its stream ends once it has read what is stored.
    const endsWhenCaughtUp = TERMINAL_STATUSES.includes(execution.status);
    return this.open(query, stop, { endsAt: (event) => TERMINAL_EVENTS.has(event.type), endsWhenCaughtUp });
  }

  close(): void {
    this.closing.abort();
  }

  private async open(query: EventQuery, stop: AbortSignal, end: StreamEnd): Promise<AsyncIterable<StoredEvent>> {
    const first = await this.outbox.list(query);
    return this.pages(query, first, AbortSignal.any([stop, this.closing.signal]), end);
  }

  private async *pages(query: EventQuery, first: StoredEvent[], stop: AbortSignal, end: StreamEnd): AsyncGenerator<StoredEvent> {
    let page = first;
    let after = query.after;
    while (!stop.aborted) {
      for (const event of page) {
        if (stop.aborted) return;
        yield event;
        after = event.sequence;
        if (end.endsAt(event)) return;
      }
      if (page.length < query.limit) {
        if (end.endsWhenCaughtUp) return;
        await pause(this.pollIntervalMs, stop);
        if (stop.aborted) return;
      }
      page = await this.outbox.list({ ...query, after });
    }
  }
}

interface StreamEnd {
  endsAt(event: StoredEvent): boolean;
  endsWhenCaughtUp: boolean;
}

/** Resolves after `ms`, or as soon as `stop` is aborted. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
