import { upgradeEvent } from '../../entities/event.js';
import { newExecution, transition, type Execution, type ExecutionError, type RestoreSettings } from '../../entities/execution.js';
import { jobAtVersion } from '../../entities/job-version.js';
import type { Job } from '../../entities/job.js';
import { nextUpgradeStep, type Upgrade, type UpgradeStep } from '../../entities/upgrade.js';
import { JobAlreadyRunningError } from '../../errors.js';
import type { UpgradeProgress } from '../../ports/input/job-upgrades.js';
import type { Clock } from '../../ports/output/clock.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { TransactionRepositories, UnitOfWork } from '../../ports/output/unit-of-work.js';
import { RestoreResolver } from '../executions/restore-resolver.js';
import { restoreDefinition } from './definition-rollback.js';

/**
 * How long after a run's end the newest state is looked up: Flink serves checkpoint statistics cached for 3 s by
 * default, and the Flink adapter waits that out after a run's end before it reads them. A step that looks up the
 * newest state waits for it between rounds instead, not inside its transaction (on PGlite, the only connection).
 */
const LATEST_STATE_SETTLE_MS = 3_500;

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
    private readonly flink: Pick<FlinkCluster, 'retainedSnapshot' | 'exceptionHistory'>,
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
    if (needsLatestState(upgrade, step) && !settled([old, started], now)) return {};
    return this.take(repositories, upgrade, step, now);
  }

  private async take(repositories: TransactionRepositories, upgrade: Upgrade, step: UpgradeStep, now: Date): Promise<Moved> {
    switch (step.kind) {
      case 'wait':
        return {};
      case 'start':
        return this.startNewVersion(repositories, upgrade, step.fromStopSavepoint, now);
      case 'succeed':
        return this.succeedIfStable(repositories, upgrade, now);
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
    await restoreDefinition(repositories, next, old, now, this.ids.newId());
    const runId = await this.storeRun(repositories, next, upgrade.fromVersion, failedRunId, detail, now);
    if (!runId) return this.interrupted(repositories, next, now);
    await repositories.upgrades.save({ ...next, state: 'ROLLING_BACK', rollbackExecutionId: runId, updatedAt: now });
    return { launch: runId };
  }

  /**
   * The new run stayed RUNNING for the window, but a job whose state does not fit may be restarting over and over
   * under Flink's restart strategy (RESTARTING reads as running here): its exception history says so. Then the new
   * run is cancelled and the upgrade rolls back once it ended.
   */
  private async succeedIfStable(repositories: TransactionRepositories, upgrade: Upgrade, now: Date): Promise<Moved> {
    const run = upgrade.newExecutionId ? await repositories.executions.findById(upgrade.newExecutionId) : undefined;
    const history = run?.status === 'RUNNING' ? await this.flink.exceptionHistory(run.flinkJobId, 1) : undefined;
    const failure = history?.exceptions[0];
    if (!run || !failure) {
      await this.end(repositories, { ...upgrade, state: 'SUCCEEDED', updatedAt: now }, now);
      return {};
    }
    const message = `The new version's job failed and restarted within the stable window: ${failure.message}`;
    const request = { mode: 'cancel' as const, drain: false, reason: 'upgrade' as const, upgradeId: upgrade.id, requestedAt: now };
    const detail = `upgrade ${upgrade.id}: the job restarted within the stable window, cancel to roll back`;
    const stopping = await repositories.executions.save({ ...transition(run, 'STOPPING', now, { detail }), stopRequest: request });
    // Saved by its follower meanwhile: the next round looks again.
    if (!stopping) return {};
    const error = { code: 'UPGRADE_RUN_UNSTABLE', message };
    await repositories.upgrades.save({ ...upgrade, state: 'ROLLING_BACK', error, updatedAt: now });
    return {};
  }

  /** Ends the upgrade FAILED. An abandoned stop leaves the old version running, so the definition goes back too. */
  private async fail(repositories: TransactionRepositories, upgrade: Upgrade, error: ExecutionError, rolledBack: boolean, now: Date): Promise<void> {
    if (upgrade.state === 'STOPPING' && error.code === 'UPGRADE_SAVEPOINT_FAILED') {
      const old = await this.definitionAt(repositories, upgrade, upgrade.fromVersion);
      if (old) await restoreDefinition(repositories, upgrade, old, now, this.ids.newId());
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

  /** The restore strategies read through the step's transaction (a read beside it could wait on it, on PGlite). */
  private resolver(repositories: TransactionRepositories): RestoreResolver {
    return new RestoreResolver(repositories.executions, this.flink, repositories.savepoints);
  }
}

function needsLatestState(upgrade: Upgrade, step: UpgradeStep): boolean {
  return (step.kind === 'start' && upgrade.mode === 'last-state') || (step.kind === 'roll-back' && step.latestState);
}

/** Whether the runs that ended did so long enough ago for Flink's statistics of them to be fresh. */
function settled(runs: (Execution | undefined)[], now: Date): boolean {
  return runs.every((run) => !run?.endedAt || now.getTime() - run.endedAt.getTime() >= LATEST_STATE_SETTLE_MS);
}
