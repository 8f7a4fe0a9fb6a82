import type { NewEvent, StoredEvent } from '../../../domain/entities/event.js';
import { UnknownEventPositionError } from '../../../domain/errors.js';
import type { EventOutbox, EventQuery } from '../../../domain/ports/output/event-outbox.js';

/** The EventOutbox contract in memory, for domain tests: events in the order appended. */
export class InMemoryEventOutbox implements EventOutbox {
  readonly events: StoredEvent[] = [];

  async append(events: NewEvent[]): Promise<void> {
    for (const event of events) {
      const sequence = String(this.events.length + 1);
      this.events.push({ ...structuredClone(event), id: `00000000-0000-4000-8000-${sequence.padStart(12, '0')}`, sequence });
    }
  }

  async list(query: EventQuery): Promise<StoredEvent[]> {
    const start = query.after === undefined ? 0 : this.events.findIndex((e) => e.sequence === query.after || e.id === query.after) + 1;
    if (start === 0 && query.after !== undefined) throw new UnknownEventPositionError(query.after);
    return this.events
      .slice(start)
      .filter((event) => (!query.type || event.type === query.type) && (!query.jobId || event.subject === query.jobId))
      .filter((event) => !query.executionId || (event.type.startsWith('run.') && (event.data as { id?: string }).id === query.executionId))
      .slice(0, query.limit);
  }

  async removeOlderThan(before: Date, limit: number): Promise<number> {
    const old = this.events.filter((event) => event.time < before).slice(0, limit);
    for (const event of old) this.events.splice(this.events.indexOf(event), 1);
    return old.length;
  }
}
