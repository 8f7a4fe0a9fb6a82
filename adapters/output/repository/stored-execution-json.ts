import type { ExecutionStatus } from '../../../domain/entities/execution.js';

/** History entries and stop requests as stored: dates as ISO strings inside JSON. */
export interface StoredHistoryEntry {
  status: ExecutionStatus;
  at: string;
  detail?: string;
}

export type StoredQueueTerms = { notBefore: string | null; stopActive: boolean };

export interface StoredStopRequest {
  mode: 'savepoint' | 'cancel';
  drain: boolean;
  reason: 'user' | 'timeout' | 'replaced' | 'job-deleted' | 'upgrade';
  upgradeId?: string;
  requestedAt: string;
  savepointTriggerId?: string;
  cancelRequestedAt?: string;
  requestedBy?: string;
}
