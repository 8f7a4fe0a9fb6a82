import {
  newExecution,
  retryExecution,
  type Execution,
  type RestoreSettings,
} from '../entities/execution.js';
import { isEntityId } from '../entities/ids.js';
import {
  ExecutionAlreadyRetriedError,
  ExecutionNotFailedError,
  ExecutionNotFoundError,
  JobNotFoundError,
  JobNotRunningError,
  NoSavepointError,
  SavepointDirectoryMissingError,
} from '../errors.js';
import type { ExecutionPage, JobExecutions, StartOptions, StopOptions } from '../ports/input/job-executions.js';
import type { Clock } from '../ports/output/clock.js';
import type { ExecutionDispatcher } from '../ports/output/execution-dispatcher.js';
import type { ExecutionCursor, ExecutionRepository, ExecutionSummary } from '../ports/output/execution-repository.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { ScheduleRepository } from '../ports/output/schedule-repository.js';
import type { ExecutionStatus } from '../entities/execution.js';
import { dropQueuedExecutions, requestStop } from './stop-requests.js';
import { defaultStopMode, savepointDirFor, type ExecutionSettings } from './run-settings.js';

export class ExecutionService implements JobExecutions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly schedules: ScheduleRepository,
    private readonly dispatcher: ExecutionDispatcher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: ExecutionSettings,
  ) {}

  async startJob(jobId: string, options: StartOptions): Promise<Execution> {
    const job = isEntityId(jobId) ? await this.jobs.findById(jobId) : undefined;
    if (!job) throw new JobNotFoundError(jobId);
    const execution = newExecution({
      id: this.ids.newId(),
      jobId,
      trigger: 'manual',
      restoredFrom: await this.restoreSettings(jobId, options),
      now: this.clock.now(),
    });
    await this.executions.insert(execution, { exclusive: await this.exclusive(jobId) });
    this.dispatcher.launch(execution.id, { execution, job });
    return execution;
  }

  async retryExecution(executionId: string): Promise<Execution> {
    const failed = await this.getExecution(executionId);
    if (failed.status !== 'FAILED') throw new ExecutionNotFailedError(executionId, failed.status);
    const existing = await this.executions.findRetryOf(executionId);
    if (existing) throw new ExecutionAlreadyRetriedError(executionId, existing.id);
    const job = await this.jobs.findById(failed.jobId);
    if (!job) throw new JobNotFoundError(failed.jobId);
    const retry = retryExecution(failed, { id: this.ids.newId(), now: this.clock.now(), notBefore: null });
    await this.executions.insert(retry, { exclusive: await this.exclusive(job.id) });
    this.dispatcher.launch(retry.id, { execution: retry, job });
    return retry;
  }

  async stopJob(jobId: string, options: StopOptions): Promise<Execution> {
    const job = isEntityId(jobId) ? await this.jobs.findById(jobId) : undefined;
    if (!job) throw new JobNotFoundError(jobId);
    if (options.mode === 'savepoint' && !savepointDirFor(job, this.settings)) throw new SavepointDirectoryMissingError(jobId);
    const mode = options.mode ?? defaultStopMode(job, this.settings);

    // Runs waiting in the queue would start once the active one ended: a stop is meant for them too.
    const queued = await this.executions.findQueuedForJob(jobId);
    const dropped = await dropQueuedExecutions(this.executions, queued, this.clock.now(), 'stop requested while queued');
    const [active] = await this.executions.findActiveForJob(jobId);
    if (!active) {
      if (dropped.length > 0) return dropped[dropped.length - 1]!;
      throw new JobNotRunningError(jobId);
    }
    const stopping = await requestStop(this.executions, active, {
      mode,
      drain: options.drain ?? false,
      reason: 'user',
      requestedAt: this.clock.now(),
    });
    if (!stopping) throw new JobNotRunningError(jobId);
    this.dispatcher.followUp(stopping.id);
    return stopping;
  }

  async getExecution(executionId: string): Promise<Execution> {
    const execution = isEntityId(executionId) ? await this.executions.findById(executionId) : undefined;
    if (!execution) throw new ExecutionNotFoundError(executionId);
    return execution;
  }

  async listExecutions(
    jobId: string,
    query: { limit: number; after?: ExecutionCursor; status?: ExecutionStatus },
  ): Promise<ExecutionPage> {
    if (!isEntityId(jobId)) throw new JobNotFoundError(jobId);
    const rows = await this.executions.list({ jobId, ...query, limit: query.limit + 1 });
    if (rows.length <= query.limit) return { executions: rows };
    const executions = rows.slice(0, query.limit);
    const last = executions[executions.length - 1]!;
    return { executions, next: { createdAt: last.createdAt, id: last.id } };
  }

  lastExecutions(jobIds: string[]): Promise<Map<string, ExecutionSummary>> {
    return this.executions.latestForJobs(jobIds.filter(isEntityId));
  }

  /** Runs of a job may overlap only when its schedule says `allow`; otherwise a start waits for none. */
  private async exclusive(jobId: string): Promise<boolean> {
    return (await this.schedules.find(jobId))?.overlapPolicy !== 'allow';
  }

  private async restoreSettings(jobId: string, options: StartOptions): Promise<RestoreSettings | null> {
    const allowNonRestoredState = options.allowNonRestoredState ?? false;
    if (options.savepointPath) return { savepointPath: options.savepointPath, allowNonRestoredState };
    if (!options.fromLastSavepoint) return null;
    const savepointPath = await this.executions.latestSavepoint(jobId);
    if (!savepointPath) throw new NoSavepointError(jobId);
    return { savepointPath, allowNonRestoredState };
  }
}
