import type { AuditContext } from '../../entities/audit.js';
import { savepointEvent } from '../../entities/event.js';
import type { Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import type { RestorePoint } from '../../entities/restore.js';
import { savepointsToDispose, type Savepoint, type SavepointOrigin } from '../../entities/savepoint.js';
import { SavepointPendingError } from '../../savepoint-errors.js';
import type { Disposal } from '../../ports/input/job-savepoints.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { SavepointFiles } from '../../ports/output/savepoint-files.js';
import type { SavepointRepository } from '../../ports/output/savepoint-repository.js';
import type { TransactionRepositories, UnitOfWork } from '../../ports/output/unit-of-work.js';
import { AuditedChanges } from '../change-records.js';

/** What Flink said about a savepoint that is no longer in progress. */
export type SavepointOutcome = { kind: 'completed'; location: string } | { kind: 'failed'; cause: string };

/**
 * The catalog's records: a savepoint's outcome, its disposal, and the retention of the job's savepoint policy.
 * Each change is written with its event in one transaction; a user's with its audit row too.
 */
export class SavepointCatalog {
  private readonly audited: AuditedChanges;

  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly savepoints: SavepointRepository,
    private readonly files: SavepointFiles,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.audited = new AuditedChanges(unitOfWork, clock, ids);
  }

  /**
   * A new PENDING savepoint of a run. Its jobVersion is the version the run runs; the job's version now for a run
   * from before runs recorded theirs.
   */
  newPending(
    execution: Pick<Execution, 'id' | 'jobId' | 'jobVersion'>,
    job: Pick<Job, 'version'>,
    origin: SavepointOrigin,
    extra: { triggerId?: string; dueAt?: Date } = {},
  ): Savepoint {
    return {
      id: this.ids.newId(),
      jobId: execution.jobId,
      executionId: execution.id,
      jobVersion: execution.jobVersion ?? job.version,
      path: null,
      origin,
      status: 'PENDING',
      triggerId: extra.triggerId ?? null,
      dueAt: extra.dueAt ?? null,
      createdAt: this.clock.now(),
      completedAt: null,
      error: null,
    };
  }

  /**
   * A checkpoint Flink kept of a run that ended without a savepoint of its own, stored COMPLETED (with its
   * `savepoint.completed` event) unless the catalog has it already. Retention leaves it to Flink's own.
   */
  async recordRetained(execution: Pick<Execution, 'id' | 'jobId' | 'jobVersion'>, job: Pick<Job, 'version'>, point: RestorePoint): Promise<void> {
    const known = await this.savepoints.findCompletedForJob(execution.jobId);
    if (known.some((savepoint) => savepoint.path === point.path)) return;
    const now = this.clock.now();
    const retained: Savepoint = {
      ...this.newPending(execution, job, 'RETAINED_CHECKPOINT'),
      status: 'COMPLETED',
      path: point.path,
      completedAt: point.completedAt ?? now,
    };
    await this.unitOfWork.transaction(async ({ savepoints, events }) => {
      await savepoints.insert(retained);
      await events.append([savepointEvent('savepoint.completed', retained, now)]);
    });
  }

  /**
   * Records how a PENDING savepoint ended; after a completed one, the job's retention runs. Resolves with the
   * savepoint as recorded, undefined when it was settled meanwhile.
   */
  async settle(savepoint: Savepoint, outcome: SavepointOutcome): Promise<Savepoint | undefined> {
    const now = this.clock.now();
    const change =
      outcome.kind === 'completed'
        ? { status: 'COMPLETED' as const, path: outcome.location, completedAt: now }
        : { status: 'FAILED' as const, error: outcome.cause, completedAt: now };
    const settled = await this.unitOfWork.transaction(async ({ savepoints, events }) => {
      const done = await savepoints.settle(savepoint.id, 'PENDING', change);
      const type = outcome.kind === 'completed' ? 'savepoint.completed' : 'savepoint.failed';
      if (done) await events.append([savepointEvent(type, done, now)]);
      return done;
    });
    if (settled?.status === 'COMPLETED') await this.applyRetention(settled.jobId);
    return settled;
  }

  /**
   * Disposes of a savepoint: removes its folder where the service can reach it, then marks it DISPOSED. `audit`
   * is the user's request; retention passes none. A PENDING savepoint cannot be disposed of.
   */
  async dispose(savepoint: Savepoint, audit?: AuditContext): Promise<Disposal> {
    if (savepoint.status === 'PENDING') throw new SavepointPendingError(savepoint.id);
    if (savepoint.status === 'DISPOSED') {
      return { savepoint, filesRemoved: false, message: 'The savepoint was disposed of already' };
    }
    const files = savepoint.path
      ? await this.files.remove(savepoint.path)
      : { removed: false as const, reason: 'it never completed, so it has no files' };
    const now = this.clock.now();
    const change = ({ savepoints }: TransactionRepositories) =>
      savepoints.settle(savepoint.id, savepoint.status, { status: 'DISPOSED' });
    const events = (done: Savepoint) => [savepointEvent('savepoint.disposed', done, now)];
    const disposed = audit
      ? await this.audited.run(audit, change, (done) =>
          done && { resourceId: savepoint.id, versionBefore: null, versionAfter: null, events: events(done) },
        )
      : await this.unitOfWork.transaction(async (repositories) => {
          const done = await change(repositories);
          if (done) await repositories.events.append(events(done));
          return done;
        });
    // Disposed of meanwhile by another request or by retention: answered as it is now.
    const current = disposed ?? (await this.savepoints.findById(savepoint.id)) ?? savepoint;
    const message = files.removed
      ? `Disposed of; its folder ${savepoint.path} was deleted`
      : `Marked DISPOSED; the files remain${savepoint.path ? ` at ${savepoint.path}` : ''}: ${files.reason}`;
    return { savepoint: current, filesRemoved: files.removed, message };
  }

  /**
   * The job's retention, after a savepoint completed: disposes of completed savepoints beyond `maxCount` or older
   * than `maxAgeSeconds`, never the newest one nor one an active run was restored from.
   */
  async applyRetention(jobId: string): Promise<Savepoint[]> {
    const policy = (await this.jobs.findById(jobId))?.savepointPolicy;
    if (!policy || (policy.maxCount === null && policy.maxAgeSeconds === null)) return [];
    // Retained checkpoints are Flink's to keep or subsume (state.checkpoints.num-retained), not the policy's.
    const completed = (await this.savepoints.findCompletedForJob(jobId)).filter((savepoint) => savepoint.origin !== 'RETAINED_CHECKPOINT');
    const active = await this.executions.findActiveForJob(jobId);
    const restoredFrom = new Set(active.flatMap((execution) => execution.restoredFrom?.savepointPath ?? []));
    const disposed: Savepoint[] = [];
    for (const savepoint of savepointsToDispose(completed, policy, this.clock.now(), restoredFrom)) {
      disposed.push((await this.dispose(savepoint)).savepoint);
    }
    return disposed;
  }
}
