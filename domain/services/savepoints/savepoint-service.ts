import type { AuditContext } from '../../entities/audit.js';
import { savepointEvent } from '../../entities/event.js';
import { isEntityId } from '../../entities/ids.js';
import type { Savepoint } from '../../entities/savepoint.js';
import { JobNotFoundError, JobNotRunningError, SavepointDirectoryMissingError } from '../../errors.js';
import { SavepointNotFoundError } from '../../savepoint-errors.js';
import type { Disposal, JobSavepoints, SavepointPage } from '../../ports/input/job-savepoints.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { SavepointPageRequest, SavepointRepository } from '../../ports/output/savepoint-repository.js';
import type { AuditedChanges } from '../change-records.js';
import type { ExecutionSettings } from '../executions/execution-settings.js';
import { savepointDirFor } from '../executions/stop-rules.js';
import { keysetPage } from '../keyset-page.js';
import { requireLiveJob } from '../live-job.js';
import type { SavepointCatalog } from './savepoint-catalog.js';
import type { SavepointTracker } from './savepoint-tracker.js';

/**
 * The savepoint catalog as users see it: savepoints of a running job taken on request, listed, read and disposed
 * of. A triggered savepoint is followed to its end by the instance that drives the run (SavepointTracker).
 */
export class SavepointService implements JobSavepoints {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly savepoints: SavepointRepository,
    private readonly catalog: SavepointCatalog,
    private readonly tracker: SavepointTracker,
    private readonly audited: AuditedChanges,
    private readonly settings: ExecutionSettings,
  ) {}

  async triggerSavepoint(jobId: string, audit: AuditContext): Promise<Savepoint> {
    const job = await requireLiveJob(this.jobs, jobId);
    const targetDirectory = savepointDirFor(job, this.settings);
    if (!targetDirectory) throw new SavepointDirectoryMissingError(job.id, 'take a savepoint');
    const running = (await this.executions.findActiveForJob(job.id)).find((execution) => execution.status === 'RUNNING');
    if (!running) throw new JobNotRunningError(job.id, 'to take a savepoint of (it must be RUNNING)');
    const savepoint = this.catalog.newPending(running, job, 'MANUAL');
    await this.audited.run(audit, ({ savepoints }) => savepoints.insert(savepoint), () => ({
      resourceId: job.id,
      versionBefore: job.version,
      versionAfter: job.version,
      events: [savepointEvent('savepoint.triggered', savepoint, savepoint.createdAt)],
    }));
    return this.tracker.send(savepoint, running.flinkJobId, targetDirectory);
  }

  async listSavepoints(jobId: string, page: SavepointPageRequest): Promise<SavepointPage> {
    if (!isEntityId(jobId) || !(await this.jobs.everExisted(jobId))) throw new JobNotFoundError(jobId);
    const rows = await this.savepoints.listForJob(jobId, { ...page, limit: page.limit + 1 });
    const { rows: savepoints, next } = keysetPage(rows, page.limit, (row) => ({ createdAt: row.createdAt, id: row.id }));
    return next ? { savepoints, next } : { savepoints };
  }

  async getSavepoint(savepointId: string): Promise<Savepoint> {
    const found = isEntityId(savepointId) ? await this.savepoints.findById(savepointId) : undefined;
    if (!found) throw new SavepointNotFoundError(savepointId);
    return found;
  }

  async disposeSavepoint(savepointId: string, audit: AuditContext): Promise<Disposal> {
    return this.catalog.dispose(await this.getSavepoint(savepointId), audit);
  }
}
