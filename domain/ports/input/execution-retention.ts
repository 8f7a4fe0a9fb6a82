import type { AuditContext } from '../../entities/audit.js';
import type { PurgeOutcome, PurgeRequest } from '../../entities/execution-retention.js';

/** Keeping the run history bounded: the background sweep and the purge an admin asks for. */
export interface ExecutionRetention {
  /**
   * Removes what `request` names that may be removed (see execution-retention.ts), recorded in the audit trail in
   * the same transaction; with `dryRun`, only counts. Throws JobNotFoundError for a job that never existed and
   * InvalidPurgeError for a `before` in the future.
   */
  purge(request: PurgeRequest, audit: AuditContext): Promise<PurgeOutcome>;
  /** Removes, in small batches, the runs past EXECUTION_RETENTION_DAYS and EXECUTION_RETENTION_PER_JOB. */
  sweep(): Promise<number>;
}
