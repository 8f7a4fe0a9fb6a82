import type { AuditContext } from '../../entities/audit.js';
import type { Savepoint } from '../../entities/savepoint.js';
import type { SavepointPageRequest } from '../output/savepoint-repository.js';

export interface SavepointPage {
  savepoints: Savepoint[];
  /** Where the next page starts; absent on the last page. */
  next?: { createdAt: Date; id: string };
}

/** What disposing of a savepoint did: its files removed, or why they remain. */
export interface Disposal {
  savepoint: Savepoint;
  filesRemoved: boolean;
  message: string;
}

/** The savepoint catalog. A change is recorded in the audit trail, with its event, in its transaction. */
export interface JobSavepoints {
  /** Triggers a savepoint of the job's active run, which keeps running; resolves with it, PENDING (or FAILED). */
  triggerSavepoint(jobId: string, audit: AuditContext): Promise<Savepoint>;
  listSavepoints(jobId: string, page: SavepointPageRequest): Promise<SavepointPage>;
  getSavepoint(savepointId: string): Promise<Savepoint>;
  disposeSavepoint(savepointId: string, audit: AuditContext): Promise<Disposal>;
}
