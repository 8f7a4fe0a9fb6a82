import type { AuditContext } from '../../entities/audit.js';
import type { BackfillRequest } from '../../entities/backfill.js';
import type { Execution } from '../../entities/execution.js';
import type { BackfillProgress } from '../output/backfill-repository.js';

/** What creating a backfill comes to: the ticks it runs, and the backfill as stored (none for a dry run). */
export interface BackfillPlan {
  ticks: Date[];
  progress: BackfillProgress | null;
}

/** Running a job's past ticks again. A change is recorded in the audit trail, in its transaction. */
export interface JobBackfills {
  /** Plans the backfill and, unless it is a dry run, stores it for the scheduler loops of every instance. */
  createBackfill(jobId: string, request: BackfillRequest, audit: AuditContext): Promise<BackfillPlan>;
  listBackfills(jobId: string): Promise<BackfillProgress[]>;
  getBackfill(backfillId: string): Promise<BackfillProgress>;
  /** Stops it creating runs; runs already created go on. */
  cancelBackfill(backfillId: string, audit: AuditContext): Promise<BackfillProgress>;
}

/** The scheduler loop's side: creating the next runs of running backfills. */
export interface BackfillRuns {
  /** Claims running backfills (each by one instance at a time) and stores their next runs; resolves with them. */
  advanceBackfills(): Promise<Execution[]>;
}
