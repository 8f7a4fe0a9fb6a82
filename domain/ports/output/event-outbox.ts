import type { EventType, NewEvent, StoredEvent } from '../../entities/event.js';

export interface EventQuery {
  /** Events after this one, given by its sequence or its id; from the oldest stored when absent. */
  after?: string;
  type?: EventType;
  /** Events about this job. */
  jobId?: string;
  /** Events about this execution (the `run.*` events that carry it). */
  executionId?: string;
  limit: number;
}

/**
 * The transactional outbox: events written in the transaction of the change they report. Executions' events are
 * written by the ExecutionRepository and the schedule claim themselves, in the statement that changes the status.
 */
export interface EventOutbox {
  append(events: NewEvent[]): Promise<void>;
  /**
   * Committed events in the order they are delivered in, oldest first. An event shows once every transaction that
   * began before its own has ended, so a page never skips an event that commits later. Throws
   * UnknownEventPositionError when no stored event has the position `after` names.
   */
  list(query: EventQuery): Promise<StoredEvent[]>;
  /**
   * Removes up to `limit` events older than `before`, except those webhooks still need (not fanned out to them
   * yet, or with a delivery pending or failed); resolves with how many it removed.
   */
  removeOlderThan(before: Date, limit: number): Promise<number>;
}
