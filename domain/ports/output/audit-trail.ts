import type { AuditEvent } from '../../entities/audit.js';

/** Position after which a page of audit events starts: newest first, by time, then id. */
export interface AuditCursor {
  at: Date;
  id: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  resourceId?: string;
  /** Events at or after it. */
  since?: Date;
  /** Events before it. */
  until?: Date;
  limit: number;
  after?: AuditCursor;
}

export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
  /** Removes up to `limit` events older than `before`; resolves with how many it removed. */
  removeOlderThan(before: Date, limit: number): Promise<number>;
}
