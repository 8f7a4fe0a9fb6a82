import type { StoredEvent } from '../../entities/event.js';
import type { EventQuery } from '../output/event-outbox.js';

export interface EventPage {
  events: StoredEvent[];
  /** What to pass as `after` for the next page: the last event's sequence, or the `after` asked with. */
  nextAfter: string | null;
}

export interface EventFeed {
  list(query: EventQuery): Promise<EventPage>;
  /** Removes the events past their retention; resolves with how many. */
  sweep(): Promise<number>;
}
