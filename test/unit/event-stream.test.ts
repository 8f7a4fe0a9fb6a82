import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../domain/entities/event.js';
import { UnknownEventPositionError } from '../../domain/errors.js';
import type { EventQuery } from '../../domain/ports/output/event-outbox.js';
import { EventStreamService } from '../../domain/services/event-stream-service.js';
import { InMemoryEventOutbox } from './fakes/in-memory-event-outbox.js';

const JOB = '00000000-0000-4000-8000-0000000000a1';
const created = (n: number): NewEvent => ({ type: 'job.created', subject: JOB, time: new Date(n * 1000), data: { n } });

/** An outbox that counts its reads. */
class CountingOutbox extends InMemoryEventOutbox {
  readonly reads: EventQuery[] = [];
  override list(query: EventQuery) {
    this.reads.push(query);
    return super.list(query);
  }
}

const noExecutions = { findById: async () => undefined };

describe('EventStreamService', () => {
  it('reads the outbox a page at a time, as the events are taken', async () => {
    const outbox = new CountingOutbox();
    await outbox.append(Array.from({ length: 250 }, (_, n) => created(n)));
    const stop = new AbortController();
    const events = (await new EventStreamService(outbox, noExecutions, 10_000).follow({}, stop.signal))[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ sequence: '1' });
    expect(outbox.reads).toHaveLength(1);
    for (let taken = 1; taken < 250; taken++) await events.next();
    expect(outbox.reads.map((read) => [read.after, read.limit])).toEqual([
      [undefined, 100],
      ['100', 100],
      ['200', 100],
    ]);
    stop.abort();
  });

  it('looks again after the poll interval, and ends when stopped or closed, without reading further', async () => {
    const outbox = new CountingOutbox();
    const service = new EventStreamService(outbox, noExecutions, 20);
    const stop = new AbortController();
    const events = (await service.follow({}, stop.signal))[Symbol.asyncIterator]();
    const waiting = events.next();
    await outbox.append([created(1)]);
    expect((await waiting).value).toMatchObject({ sequence: '1' });
    const idle = events.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop.abort();
    expect(await idle).toEqual({ done: true, value: undefined });
    const reads = outbox.reads.length;
    expect(reads).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outbox.reads).toHaveLength(reads);

    const other = (await service.follow({}, new AbortController().signal))[Symbol.asyncIterator]();
    await other.next();
    const pending = other.next();
    service.close();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('refuses an unknown position before the first event', async () => {
    const service = new EventStreamService(new InMemoryEventOutbox(), noExecutions, 20);
    await expect(service.follow({ after: '7' }, new AbortController().signal)).rejects.toBeInstanceOf(UnknownEventPositionError);
  });
});
