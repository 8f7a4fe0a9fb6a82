import type { EventType, StoredEvent } from '../../entities/event.js';

export interface EventStreamQuery {
  /** Events after this one, given by its sequence or its id; from the oldest stored when absent. */
  after?: string;
  type?: EventType;
  jobId?: string;
}

/**
 * Following the stored events as they are written. Each `follow...` reads its first page at once, so an unknown
 * position or execution throws before anything is sent; the events then come page by page as they are consumed.
 */
export interface EventStream {
  /** The events from `after` on, then every new one, until `stop` is aborted or the stream is closed. */
  follow(query: EventStreamQuery, stop: AbortSignal): Promise<AsyncIterable<StoredEvent>>;
  /**
   * The events of one execution from `after` on, then new ones until its terminal event (succeeded, failed,
   * stopped, skipped). Throws ExecutionNotFoundError for an unknown execution.
   */
  followExecution(executionId: string, after: string | undefined, stop: AbortSignal): Promise<AsyncIterable<StoredEvent>>;
  /** Ends every stream being followed (at shutdown). */
  close(): void;
}
