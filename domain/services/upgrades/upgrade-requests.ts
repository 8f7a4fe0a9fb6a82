import type { AuditContext } from '../../entities/audit.js';
import { jobEvent, upgradeEvent } from '../../entities/event.js';
import { transition, type Execution, type StopRequest } from '../../entities/execution.js';
import { isEntityId } from '../../entities/ids.js';
import type { Job, JobDefinition } from '../../entities/job.js';
import type { Upgrade, UpgradeMode } from '../../entities/upgrade.js';
import { JobNotFoundError, JobVersionMismatchError, SavepointDirectoryMissingError } from '../../errors.js';
import { PlanRefusedError } from '../../plan-errors.js';
import { UpgradeInProgressError, UpgradeNotFoundError, UpgradeNotPossibleError } from '../../upgrade-errors.js';
import type { JobPlans } from '../../ports/input/job-plans.js';
import type { ChangeOptions, DefinitionChange, JobUpgrades, UpgradePage } from '../../ports/input/job-upgrades.js';
import type { JobVersions } from '../../ports/input/job-versions.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { UpgradePageRequest, UpgradeRepository } from '../../ports/output/upgrade-repository.js';
import type { AuditedChanges } from '../change-records.js';
import type { ExecutionSettings } from '../executions/execution-settings.js';
import type { RunDefinitions } from '../executions/run-definitions.js';
import { savepointDirFor } from '../executions/stop-rules.js';
import { replacedRecord, type JobDefinitionService } from '../job-definition-service.js';
import { keysetPage } from '../keyset-page.js';
import { requireLiveJob } from '../live-job.js';

/**
 * A job's definition replaced (or rolled back) with, when asked, an upgrade of its running run. What can be refused
 * is refused before anything is stored: a run that is not RUNNING, another upgrade in progress, a savepoint mode
 * without a savepoint folder, and a new version whose job graph Flink cannot build (the plan check). The upgrade is
 * then carried on by the scheduler loop of any instance (UpgradeSteps).
 */
export class UpgradeRequests implements JobUpgrades {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly upgrades: UpgradeRepository,
    private readonly definitions: Pick<JobDefinitionService, 'check' | 'replaceJob' | 'replaceWithin'>,
    private readonly versions: Pick<JobVersions, 'getVersion'>,
    private readonly runDefinitions: Pick<RunDefinitions, 'of'>,
    private readonly plans: JobPlans,
    private readonly changes: AuditedChanges,
    /** Carries the old run's stop on now, when this instance drives it. */
    private readonly follow: (executionId: string) => void,
    private readonly settings: Pick<ExecutionSettings, 'savepointDir'>,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async replaceJob(jobId: string, definition: JobDefinition, audit: AuditContext, options: ChangeOptions): Promise<DefinitionChange> {
    const { upgrade: mode, expectedVersion } = options;
    if (mode === 'none' || !isEntityId(jobId)) return this.replaceOnly(jobId, definition, audit, expectedVersion);
    this.definitions.check(definition);
    const job = await requireLiveJob(this.jobs, jobId);
    const inProgress = await this.upgrades.findInProgressForJob(jobId);
    if (inProgress) throw new UpgradeInProgressError(jobId, inProgress.id);
    const [active] = await this.executions.findActiveForJob(jobId);
    if (!active) return this.replaceOnly(jobId, definition, audit, expectedVersion);
    await this.refusal(job, active, mode, expectedVersion);
    const outcome = await this.plans.check(jobId, definition);
    if (!outcome.ok) throw new PlanRefusedError(outcome.code, jobId, outcome.cause);

    const now = this.clock.now();
    const started = await this.changes.run(
      audit,
      async (repositories) => {
        const replaced = await this.definitions.replaceWithin(repositories, jobId, definition, audit, expectedVersion);
        if (!replaced) return undefined;
        const upgrade = this.newUpgrade(replaced, active, mode, audit.actor.name, now);
        await repositories.upgrades.insert(upgrade);
        // The run as it is now: it may have moved on since it was read.
        const current = await repositories.executions.findById(active.id);
        if (current?.status !== 'RUNNING') throw new UpgradeNotPossibleError(jobId, active.id, current?.status ?? 'STOPPED');
        const stopping = await repositories.executions.save(stopForUpgrade(current, upgrade, now));
        if (!stopping) throw new UpgradeNotPossibleError(jobId, active.id, 'RUNNING', `its run ${active.id} changed meanwhile: try again`);
        return { job: replaced, upgrade };
      },
      (done) => done && { ...replacedRecord(done.job), events: [jobEvent('job.replaced', done.job, now), upgradeEvent('upgrade.started', done.upgrade, now)] },
    );
    if (!started) throw new JobNotFoundError(jobId);
    this.follow(active.id);
    return started;
  }

  /** A rollback is a replace with an old definition: it upgrades the running run as a replace would, when asked. */
  async rollbackJob(jobId: string, version: number, audit: AuditContext, options: ChangeOptions): Promise<DefinitionChange> {
    const target = await this.versions.getVersion(jobId, version);
    return this.replaceJob(jobId, target.definition, audit, options);
  }

  async listUpgrades(jobId: string, page: UpgradePageRequest): Promise<UpgradePage> {
    if (!isEntityId(jobId) || !(await this.jobs.everExisted(jobId))) throw new JobNotFoundError(jobId);
    const rows = await this.upgrades.listForJob(jobId, { ...page, limit: page.limit + 1 });
    const { rows: upgrades, next } = keysetPage(rows, page.limit, (row) => ({ createdAt: row.createdAt, id: row.id }));
    return next ? { upgrades, next } : { upgrades };
  }

  async getUpgrade(upgradeId: string): Promise<Upgrade> {
    const found = isEntityId(upgradeId) ? await this.upgrades.findById(upgradeId) : undefined;
    if (!found) throw new UpgradeNotFoundError(upgradeId);
    return found;
  }

  /** A replace that leaves the active run (if any) on the version it runs. */
  private async replaceOnly(jobId: string, definition: JobDefinition, audit: AuditContext, expectedVersion?: number): Promise<DefinitionChange> {
    const job = await this.definitions.replaceJob(jobId, definition, audit, expectedVersion);
    const [active] = await this.executions.findActiveForJob(jobId);
    return active ? { job, activeRun: { executionId: active.id, jobVersion: active.jobVersion } } : { job };
  }

  /** Why the upgrade cannot start now, thrown; nothing is stored then. */
  private async refusal(job: Job, active: Execution, mode: UpgradeMode, expectedVersion?: number): Promise<void> {
    if (expectedVersion !== undefined && job.version !== expectedVersion) throw new JobVersionMismatchError(job.id, expectedVersion, job.version);
    if (active.status !== 'RUNNING') throw new UpgradeNotPossibleError(job.id, active.id, active.status);
    // The stop's savepoint goes where the old run's own definition says.
    const running = (await this.runDefinitions.of(active, job)) ?? job;
    if (mode === 'savepoint' && !savepointDirFor(running, this.settings)) {
      throw new SavepointDirectoryMissingError(job.id, 'be upgraded with a savepoint');
    }
  }

  private newUpgrade(job: Job, old: Execution, mode: UpgradeMode, requestedBy: string, now: Date): Upgrade {
    return {
      id: this.ids.newId(),
      jobId: job.id,
      mode,
      state: 'STOPPING',
      // A run from before versions runs the job as it was just before this change.
      fromVersion: old.jobVersion ?? job.version - 1,
      toVersion: job.version,
      oldExecutionId: old.id,
      newExecutionId: null,
      rollbackExecutionId: null,
      restoredFrom: null,
      rolledBack: false,
      error: null,
      requestedBy,
      createdAt: now,
      updatedAt: now,
    };
  }
}

/** The old run asked to stop for the upgrade: with a savepoint in `savepoint` mode, else cancelled. */
function stopForUpgrade(run: Execution, upgrade: Upgrade, now: Date): Execution {
  const mode = upgrade.mode === 'savepoint' ? 'savepoint' : 'cancel';
  const request: StopRequest = { mode, drain: false, reason: 'upgrade', upgradeId: upgrade.id, requestedAt: now };
  if (upgrade.requestedBy) request.requestedBy = upgrade.requestedBy;
  const how = mode === 'savepoint' ? 'stop with savepoint' : 'cancel';
  const detail = `upgrade ${upgrade.id} to job version ${upgrade.toVersion} (${upgrade.mode}): ${how}`;
  return { ...transition(run, 'STOPPING', now, { detail }), stopRequest: request };
}
