import { isTerminal, transition, type Execution, type StopMode, type StopRequest } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import { ABANDONED_STOP } from '../../entities/upgrade.js';
import { executionErrorOf, JobNotRunningError, SavepointDirectoryMissingError } from '../../errors.js';
import type { StopOptions } from '../../ports/input/job-executions.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { SavepointRepository } from '../../ports/output/savepoint-repository.js';
import type { UnitOfWork } from '../../ports/output/unit-of-work.js';
import type { SavepointCatalog } from '../savepoints/savepoint-catalog.js';
import type { ExecutionSettings } from './execution-settings.js';
import type { RunDefinitions } from './run-definitions.js';

/** The folder a job's savepoints go to: its own `state.savepoints.dir`, else the service-wide one. */
export function savepointDirFor(job: Pick<Job, 'flinkConfiguration'>, settings: Pick<ExecutionSettings, 'savepointDir'>): string | null {
  return job.flinkConfiguration['state.savepoints.dir'] ?? settings.savepointDir;
}

/** How an execution of the job stops unless told otherwise: with a savepoint when there is a folder for it. */
export function defaultStopMode(job: Pick<Job, 'flinkConfiguration'>, settings: ExecutionSettings): StopMode {
  return savepointDirFor(job, settings) ? 'savepoint' : 'cancel';
}

/**
 * How executions stop, in one place. Who asks: a user, the job's timeout, the deletion of the job, or a later tick
 * of a cancel_other schedule. What they ask for: a stop with a savepoint where there is a folder for it, else a
 * cancel. How a stop is carried out on Flink: the savepoint is triggered and watched; when it cannot start, fails,
 * or takes longer than the stop timeout, the job is cancelled instead. Each move is saved, so whichever instance
 * follows the execution next carries the stop on from where it is.
 */
export class StopRules {
  constructor(
    private readonly jobs: JobRepository,
    private readonly definitions: Pick<RunDefinitions, 'of'>,
    private readonly executions: ExecutionRepository,
    private readonly flink: FlinkCluster,
    private readonly clock: Clock,
    private readonly settings: ExecutionSettings,
    private readonly savepoints: SavepointRepository,
    private readonly catalog: Pick<SavepointCatalog, 'newPending' | 'settle'>,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * A user's stop of the job: drops its queued executions and asks its active one to stop, through `executions`
   * (the request's transaction). Resolves with the stopping execution, or with the last one dropped when none
   * was active.
   */
  async stopJob(job: Job, options: StopOptions, requestedBy: string, executions: ExecutionRepository): Promise<Execution> {
    if (options.mode === 'savepoint' && !savepointDirFor(job, this.settings)) throw new SavepointDirectoryMissingError(job.id);
    const mode = options.mode ?? defaultStopMode(job, this.settings);
    // Executions waiting in the queue would start once the active one ended: a stop is meant for them too.
    const queued = await executions.findQueuedForJob(job.id);
    const dropped = await dropQueuedExecutions(executions, queued, this.clock.now(), `stop requested by ${requestedBy} while queued`);
    const [active] = await executions.findActiveForJob(job.id);
    if (!active) {
      if (dropped.length > 0) return dropped[dropped.length - 1]!;
      throw new JobNotRunningError(job.id);
    }
    const request: StopRequest = { mode, drain: options.drain ?? false, reason: 'user', requestedAt: this.clock.now(), requestedBy };
    const stopping = await this.request(active, request, executions);
    if (!stopping) throw new JobNotRunningError(job.id);
    return stopping;
  }

  /**
   * For cancel_other: drops the job's executions queued before `queued` and asks its active ones to stop.
   * Resolves with the ones now stopping, and whether `queued` is still queued (a later tick may have dropped it).
   */
  async makeWayFor(queued: Execution, job: Job, now: Date): Promise<{ stillQueued: boolean; stopping: Execution[] }> {
    const earlier = (await this.executions.findQueuedForJob(queued.jobId)).filter(
      (other) => other.id !== queued.id && other.createdAt <= queued.createdAt,
    );
    await dropQueuedExecutions(this.executions, earlier, now, `replaced by ${queued.id} (cancel_other)`);
    const current = await this.executions.findById(queued.id);
    if (current?.status !== 'QUEUED') return { stillQueued: false, stopping: [] };
    const stopping: Execution[] = [];
    for (const active of await this.executions.findActiveForJob(queued.jobId)) {
      if (active.stopRequest) continue;
      const mode = defaultStopMode(job, this.settings);
      const stopped = await this.request(active, { mode, drain: false, reason: 'replaced', requestedAt: now });
      if (stopped) stopping.push(stopped);
    }
    return { stillQueued: true, stopping };
  }

  /**
   * Asks a RUNNING execution to stop when its job was deleted (cancelled) or it outlived the timeoutSeconds of the
   * version it runs (by that version's stop rules). Resolves with the execution as it is now; undefined if it ended
   * meanwhile.
   */
  async enforceLimits(execution: Execution): Promise<Execution | undefined> {
    if (execution.status !== 'RUNNING') return execution;
    const current = await this.jobs.findById(execution.jobId);
    const requestedAt = this.clock.now();
    if (!current) return this.request(execution, { mode: 'cancel', drain: false, reason: 'job-deleted', requestedAt });
    const job = (await this.definitions.of(execution, current)) ?? current;
    if (!job.timeoutSeconds) return execution;
    const elapsed = requestedAt.getTime() - execution.createdAt.getTime();
    if (elapsed < job.timeoutSeconds * 1000) return execution;
    return this.request(execution, { mode: defaultStopMode(job, this.settings), drain: false, reason: 'timeout', requestedAt });
  }

  /** One move of a pending stop on Flink: trigger the savepoint, watch it, or fall back to cancelling. */
  async advance(execution: Execution): Promise<Execution | undefined> {
    const request = execution.stopRequest;
    if (!request || request.cancelRequestedAt) return execution;
    // The STOPPING entry of the request already says a cancel was asked for: no second entry.
    if (request.mode === 'cancel') return this.cancel(execution, request);
    if (!request.savepointTriggerId) return this.triggerSavepoint(execution, request);

    const status = await this.flink.savepointStatus(execution.flinkJobId, request.savepointTriggerId);
    if (status.kind === 'completed') {
      const saved = await this.executions.save({ ...execution, savepointPath: status.location });
      return saved ?? this.executions.findById(execution.id);
    }
    if (status.kind === 'failed') return this.giveUp(execution, request, `savepoint failed: ${status.cause}`);
    const waited = this.clock.now().getTime() - request.requestedAt.getTime();
    if (waited >= this.settings.stopTimeoutMs) {
      return this.giveUp(execution, request, `savepoint not complete after ${Math.round(waited / 1000)} s`);
    }
    return execution;
  }

  private async triggerSavepoint(execution: Execution, request: StopRequest): Promise<Execution | undefined> {
    const current = await this.jobs.findById(execution.jobId);
    // The folder of the configuration the run was submitted with.
    const job = current && ((await this.definitions.of(execution, current)) ?? current);
    const targetDirectory = job ? savepointDirFor(job, this.settings) : this.settings.savepointDir;
    let triggerId: string;
    try {
      triggerId = await this.flink.stopWithSavepoint(execution.flinkJobId, { drain: request.drain, targetDirectory });
    } catch (error) {
      const failure = executionErrorOf(error);
      if (failure.code === 'FLINK_UNREACHABLE') throw error;
      if (job) await this.recordRefusedSavepoint(execution, job, failure.message);
      return this.giveUp(execution, request, `savepoint could not be started: ${failure.message}`);
    }
    // The trigger id and the catalog's row (which the run's follower settles like any savepoint of the run) commit
    // together: a crash between the two would lose the row.
    const saved = await this.unitOfWork.transaction(async (tx) => {
      const stopping = await tx.executions.save({ ...execution, stopRequest: { ...request, savepointTriggerId: triggerId } });
      if (stopping && job) await tx.savepoints.insert(this.catalog.newPending(execution, job, 'STOP', { triggerId }));
      return stopping;
    });
    return saved ?? this.executions.findById(execution.id);
  }

  /** A stop's savepoint Flink refused to start: in the catalog as FAILED, with Flink's cause. */
  private async recordRefusedSavepoint(execution: Execution, job: Job, cause: string): Promise<void> {
    const savepoint = this.catalog.newPending(execution, job, 'STOP');
    await this.savepoints.insert(savepoint);
    await this.catalog.settle(savepoint, { kind: 'failed', cause: `Flink did not take the savepoint: ${cause}` });
  }

  /**
   * A stop's savepoint that will not come. A user's stop (or a timeout's) cancels instead. An upgrade's is abandoned:
   * cancelling would leave the job down without state, so while Flink still runs the job the run goes back to
   * RUNNING (the upgrade fails, quoting `reason`); a job Flink took down anyway is ended by the follower as usual.
   */
  private async giveUp(execution: Execution, request: StopRequest, reason: string): Promise<Execution | undefined> {
    if (request.reason !== 'upgrade') return this.cancel(execution, request, reason);
    if ((await this.flink.jobState(execution.flinkJobId)).kind !== 'running') return execution;
    const resumed = transition(execution, 'RUNNING', this.clock.now(), { detail: `${ABANDONED_STOP}: ${reason}` });
    const saved = await this.executions.save({ ...resumed, stopRequest: null });
    return saved ?? this.executions.findById(execution.id);
  }

  /** Cancels the job on Flink; `fallbackReason` says why a stop with savepoint is cancelled instead, in the history. */
  private async cancel(execution: Execution, request: StopRequest, fallbackReason?: string): Promise<Execution | undefined> {
    await this.flink.cancel(execution.flinkJobId);
    const detail = fallbackReason && `${fallbackReason}; cancelling instead`;
    return this.saveStopRequest(execution, { ...request, cancelRequestedAt: this.clock.now() }, detail);
  }

  private async saveStopRequest(execution: Execution, request: StopRequest, detail?: string): Promise<Execution | undefined> {
    const history = detail
      ? [...execution.history, { status: execution.status, at: this.clock.now(), detail }]
      : execution.history;
    const saved = await this.executions.save({ ...execution, stopRequest: request, history });
    return saved ?? this.executions.findById(execution.id);
  }

  /**
   * Marks an execution STOPPING with `request`, trying again when another writer saved first. Resolves with the
   * stopping execution (unchanged if a stop was already under way), or undefined if it ended in the meantime.
   */
  private async request(
    execution: Execution,
    request: StopRequest,
    executions: ExecutionRepository = this.executions,
  ): Promise<Execution | undefined> {
    let current: Execution | undefined = execution;
    while (current && !isTerminal(current.status)) {
      if (current.status === 'STOPPING') return current;
      const stopping = { ...transition(current, 'STOPPING', request.requestedAt, { detail: describe(request) }) };
      stopping.stopRequest = request;
      const saved = await executions.save(stopping);
      if (saved) return saved;
      current = await executions.findById(execution.id);
    }
    return undefined;
  }
}

/** Ends QUEUED executions as STOPPED, saying why; resolves with the ones this call stopped (not started meanwhile). */
export async function dropQueuedExecutions(
  executions: ExecutionRepository,
  queued: Execution[],
  at: Date,
  detail: string,
): Promise<Execution[]> {
  const dropped: Execution[] = [];
  for (const execution of queued) {
    const saved = await executions.save(transition(execution, 'STOPPED', at, { detail }));
    if (saved) dropped.push(saved);
  }
  return dropped;
}

function describe(request: StopRequest): string {
  const how = request.mode === 'savepoint' ? `stop with savepoint${request.drain ? ' (drain)' : ''}` : 'cancel';
  switch (request.reason) {
    case 'timeout':
      return `timeout reached: ${how}`;
    case 'replaced':
      return `a later tick replaces this run (cancel_other): ${how}`;
    case 'job-deleted':
      return `the job was deleted: ${how}`;
    case 'user':
      return `${how} requested${request.requestedBy ? ` by ${request.requestedBy}` : ''}`;
    case 'upgrade':
      return `upgrade ${request.upgradeId ?? ''} to a new job version: ${how}`;
  }
}
