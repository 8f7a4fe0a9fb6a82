import type { EventFeed, EventPage } from '../ports/input/event-feed.js';
import type { Clock } from '../ports/output/clock.js';
import type { EventOutbox, EventQuery } from '../ports/output/event-outbox.js';
import { sweepOlderThan } from './retention.js';

/** Reading the stored events, and keeping them no longer than EVENT_RETENTION_DAYS. */
export class EventService implements EventFeed {
  constructor(
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  async list(query: EventQuery): Promise<EventPage> {
    const events = await this.outbox.list(query);
    return { events, nextAfter: events[events.length - 1]?.sequence ?? query.after ?? null };
  }

  sweep(): Promise<number> {
    return sweepOlderThan((before, limit) => this.outbox.removeOlderThan(before, limit), this.clock.now(), this.retentionDays);
  }
}
