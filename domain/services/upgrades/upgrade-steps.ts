import type { AuditEvent } from '../../entities/audit.js';
import { jobEvent, upgradeEvent } from '../../entities/event.js';
import { newExecution, type ExecutionError, type RestoreSettings } from '../../entities/execution.js';
import { jobAtVersion } from '../../entities/job-version.js';
import { replaceJob, type Job } from '../../entities/job.js';
import { nextUpgradeStep, type Upgrade, type UpgradeStep } from '../../entities/upgrade.js';
import { DomainError, JobAlreadyRunningError } from '../../errors.js';
import type { UpgradeProgress } from '../../ports/input/job-upgrades.js';
import type { Clock } from '../../ports/output/clock.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { TransactionRepositories, UnitOfWork } from '../../ports/output/unit-of-work.js';
import { RestoreResolver } from '../executions/restore-resolver.js';

/** What one step did: the run to launch once its transaction committed. */
interface Moved {
  launch?: string;
}

/**
 * Carries upgrades on, one step per round of the scheduler loop of any instance: each upgrade is locked (SKIP
 * LOCKED) in a transaction of its own, which writes its next state with its event and the run it starts, so an
 * instance that dies mid-upgrade leaves it, at the state it stored, to the next one. The steps themselves are
 * `nextUpgradeStep`; this carries them out.
 *
 * A failed upgrade runs the old version again; the job's definition goes back to it too (appended as a new
 * version, with its audit row and event), so that later ticks do not run the version that failed. A replace made
 * during the upgrade is left as it is.
 */
export class UpgradeSteps implements UpgradeProgress {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly flink: Pick<FlinkCluster, 'retainedSnapshot'>,
    /** Launches a run stored by a step, on this instance. */
    private readonly launch: (executionId: string) => void,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: { upgradeStableMs: number },
  ) {}

  async advanceUpgrades(): Promise<number> {
    const seen: string[] = [];
    let failure: unknown;
    for (;;) {
      const before = seen.length;
      try {
        const moved = await this.unitOfWork.transaction((repositories) => this.advanceNext(repositories, seen));
        if (moved?.launch) this.launch(moved.launch);
      } catch (error) {
        // Rolled back: the upgrade is tried again next round; the others still move on this one.
        failure ??= error;
      }
      if (seen.length === before) break;
    }
    if (failure) throw failure;
    return seen.length;
  }

  /** Locks the next upgrade in progress not in `seen` (adding it) and takes its step; undefined when none is left. */
  private async advanceNext(repositories: TransactionRepositories, seen: string[]): Promise<Moved | undefined> {
    const upgrade = await repositories.upgrades.lockNextInProgress(seen);
    if (!upgrade) return undefined;
    seen.push(upgrade.id);
    const find = (id: string | null) => (id ? repositories.executions.findById(id) : Promise.resolve(undefined));
    const [old, started, rollback] = await Promise.all([
      find(upgrade.oldExecutionId),
      find(upgrade.newExecutionId),
      find(upgrade.rollbackExecutionId),
    ]);
    const now = this.clock.now();
    const step = nextUpgradeStep(upgrade, { old, started, rollback }, now, this.settings.upgradeStableMs);
    return this.take(repositories, upgrade, step, now);
  }

  private async take(repositories: TransactionRepositories, upgrade: Upgrade, step: UpgradeStep, now: Date): Promise<Moved> {
    switch (step.kind) {
      case 'wait':
        return {};
      case 'start':
        return this.startNewVersion(repositories, upgrade, step.fromStopSavepoint, now);
      case 'succeed':
        await this.end(repositories, { ...upgrade, state: 'SUCCEEDED', updatedAt: now }, now);
        return {};
      case 'roll-back':
        return this.rollBack(repositories, { ...upgrade, error: step.cause }, step.failedRunId, step.latestState, now);
      case 'fail':
        await this.fail(repositories, upgrade, step.error, step.rolledBack, now);
        return {};
    }
  }

  /** Stores the new version's run, from the state the mode says, and moves the upgrade to STARTING. */
  private async startNewVersion(repositories: TransactionRepositories, upgrade: Upgrade, savepoint: string | null, now: Date): Promise<Moved> {
    const target = await this.definitionAt(repositories, upgrade, upgrade.toVersion);
    if (!target) return this.gone(repositories, upgrade, now);
    let restoredFrom: RestoreSettings | null = null;
    let detail = `upgrade ${upgrade.id} (stateless): started without state`;
    if (upgrade.mode === 'savepoint' && savepoint) {
      const { allowNonRestoredState, claimMode } = target;
      restoredFrom = { savepointPath: savepoint, allowNonRestoredState, kind: 'savepoint', claimMode };
      detail = `upgrade ${upgrade.id} (savepoint): restoring from the stop's savepoint ${savepoint}`;
    } else if (upgrade.mode === 'last-state') {
      const resolved = await this.resolver(repositories).latestState(target);
      restoredFrom = resolved.restoredFrom;
      detail = `upgrade ${upgrade.id} (last-state): ${resolved.detail}`;
    }
    const next: Upgrade = { ...upgrade, restoredFrom };
    const runId = await this.storeRun(repositories, next, upgrade.toVersion, upgrade.oldExecutionId, detail, now);
    if (!runId) return this.interrupted(repositories, next, now);
    await repositories.upgrades.save({ ...next, state: 'STARTING', newExecutionId: runId, updatedAt: now });
    return { launch: runId };
  }

  /**
   * Runs the old version again, from the upgrade's state (or the newest state there is, when the stop took none),
   * as a run that replaces `failedRunId`; the definition goes back to the old version.
   */
  private async rollBack(repositories: TransactionRepositories, upgrade: Upgrade, failedRunId: string, latestState: boolean, now: Date): Promise<Moved> {
    const old = await this.definitionAt(repositories, upgrade, upgrade.fromVersion);
    if (!old) return this.gone(repositories, upgrade, now);
    let restoredFrom = upgrade.restoredFrom;
    let detail = `rollback of upgrade ${upgrade.id} to job version ${upgrade.fromVersion}`;
    if (latestState) {
      const resolved = await this.resolver(repositories).latestState(old);
      restoredFrom = resolved.restoredFrom;
      detail = `${detail}: ${resolved.detail}`;
    } else {
      detail = restoredFrom ? `${detail}: restoring from ${restoredFrom.savepointPath}` : `${detail}: started without state`;
    }
    const next: Upgrade = { ...upgrade, restoredFrom };
    await this.restoreDefinition(repositories, next, old, now);
    const runId = await this.storeRun(repositories, next, upgrade.fromVersion, failedRunId, detail, now);
    if (!runId) return this.interrupted(repositories, next, now);
    await repositories.upgrades.save({ ...next, state: 'ROLLING_BACK', rollbackExecutionId: runId, updatedAt: now });
    return { launch: runId };
  }

  /** Ends the upgrade FAILED. An abandoned stop leaves the old version running, so the definition goes back too. */
  private async fail(repositories: TransactionRepositories, upgrade: Upgrade, error: ExecutionError, rolledBack: boolean, now: Date): Promise<void> {
    if (upgrade.state === 'STOPPING' && error.code === 'UPGRADE_SAVEPOINT_FAILED') {
      const old = await this.definitionAt(repositories, upgrade, upgrade.fromVersion);
      if (old) await this.restoreDefinition(repositories, upgrade, old, now);
    }
    await this.end(repositories, { ...upgrade, state: 'FAILED', error, rolledBack, updatedAt: now }, now);
  }

  private async end(repositories: TransactionRepositories, upgrade: Upgrade, now: Date): Promise<void> {
    await repositories.upgrades.save(upgrade);
    const type = upgrade.state === 'SUCCEEDED' ? 'upgrade.succeeded' : 'upgrade.failed';
    await repositories.events.append([upgradeEvent(type, upgrade, now)]);
  }

  /** Stores a run of the upgrade (PENDING, driven by this instance); undefined when another run holds the job's slot. */
  private async storeRun(repositories: TransactionRepositories, upgrade: Upgrade, version: number, replaces: string, detail: string, now: Date) {
    const run = newExecution({
      id: this.ids.newId(),
      jobId: upgrade.jobId,
      trigger: 'upgrade',
      upgradeOf: replaces,
      restoredFrom: upgrade.restoredFrom,
      requestedBy: upgrade.requestedBy,
      jobVersion: version,
      detail,
      now,
    });
    try {
      await repositories.executions.insert(run, { exclusive: true });
      return run.id;
    } catch (error) {
      if (error instanceof JobAlreadyRunningError) return undefined;
      throw error;
    }
  }

  /** Another run of the job started while it was down (a start, a tick): the upgrade cannot start its own. */
  private async interrupted(repositories: TransactionRepositories, upgrade: Upgrade, now: Date): Promise<Moved> {
    const message = 'Another run of the job started while the upgrade had it stopped; the upgrade started none';
    await this.end(repositories, { ...upgrade, state: 'FAILED', error: { code: 'UPGRADE_INTERRUPTED', message }, updatedAt: now }, now);
    return {};
  }

  private async gone(repositories: TransactionRepositories, upgrade: Upgrade, now: Date): Promise<Moved> {
    const message = `Job '${upgrade.jobId}' was deleted during the upgrade`;
    await this.end(repositories, { ...upgrade, state: 'FAILED', error: { code: 'JOB_NOT_FOUND', message }, updatedAt: now }, now);
    return {};
  }

  /** The job with the definition of `version`; undefined when the job was deleted (or the version is not kept). */
  private async definitionAt(repositories: TransactionRepositories, upgrade: Upgrade, version: number): Promise<Job | undefined> {
    const job = await repositories.jobs.findById(upgrade.jobId);
    if (!job) return undefined;
    if (job.version === version) return job;
    const found = await repositories.versions.find(job.id, version);
    return found && jobAtVersion(job, found);
  }

  /**
   * Appends the old version's definition as the job's next version when the job is still at the version the upgrade
   * stored, with an audit row (in the name of whoever asked for the upgrade) and a job.replaced event.
   */
  private async restoreDefinition(repositories: TransactionRepositories, upgrade: Upgrade, old: Job, now: Date): Promise<void> {
    const { version: _version, id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = old;
    let job: Job | undefined;
    try {
      job = await repositories.jobs.update(upgrade.jobId, (current) =>
        current.version === upgrade.toVersion ? replaceJob(current, definition, now) : current,
      );
    } catch (error) {
      // The old name taken by another job meanwhile: the definition stays; the old version runs all the same.
      if (error instanceof DomainError) return;
      throw error;
    }
    if (!job || job.version === upgrade.toVersion) return;
    await repositories.versions.append({ jobId: job.id, version: job.version, definition, createdAt: now, changedBy: upgrade.requestedBy });
    await repositories.audit.record(this.rollbackAudit(upgrade, job, now));
    await repositories.events.append([jobEvent('job.replaced', job, now)]);
  }

  private rollbackAudit(upgrade: Upgrade, job: Job, now: Date): AuditEvent {
    return {
      id: this.ids.newId(),
      at: now,
      actor: upgrade.requestedBy ?? 'upgrade',
      role: null,
      action: 'job.upgrade_rollback',
      resourceType: 'job',
      resourceId: job.id,
      outcome: 200,
      requestId: upgrade.id,
      sourceAddress: null,
      versionBefore: job.version - 1,
      versionAfter: job.version,
      reason: `upgrade ${upgrade.id} failed: the definition of version ${upgrade.fromVersion} is the job's again`,
    };
  }

  /** The restore strategies read through the step's transaction (a read beside it could wait on it, on PGlite). */
  private resolver(repositories: TransactionRepositories): RestoreResolver {
    return new RestoreResolver(repositories.executions, this.flink, repositories.savepoints);
  }
}
