import type { AuditEvent } from '../../entities/audit.js';
import type { AuditCursor, AuditQuery } from '../output/audit-trail.js';

export interface AuditPage {
  events: AuditEvent[];
  next?: AuditCursor;
}

/** The audit trail as the outside sees it: refused requests recorded, every event read, old ones swept. */
export interface AuditLog {
  /** Records a request that changed nothing (refused, or failed); changes record themselves with their change. */
  recordRefusal(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditPage>;
  /** Removes events past the retention period, in small batches; resolves with how many it removed. */
  sweep(): Promise<number>;
}
