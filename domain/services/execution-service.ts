import { newExecution, type Execution, type RestoreSettings, type StopMode } from '../entities/execution.js';
import { isEntityId } from '../entities/ids.js';
import {
  ExecutionNotFoundError,
  JobNotFoundError,
  JobNotRunningError,
  NoSavepointError,
  SavepointDirectoryMissingError,
} from '../errors.js';
import type { ExecutionPage, JobRuns, StartOptions, StopOptions } from '../ports/input/job-runs.js';
import type { Clock } from '../ports/output/clock.js';
import type { ExecutionDispatcher } from '../ports/output/execution-dispatcher.js';
import type { ExecutionCursor, ExecutionRepository, ExecutionSummary } from '../ports/output/execution-repository.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { ExecutionStatus } from '../entities/execution.js';
import { requestStop } from './stop-requests.js';
import { savepointDirFor, type RunSettings } from './run-settings.js';

export class ExecutionService implements JobRuns {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly dispatcher: ExecutionDispatcher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: RunSettings,
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
    await this.executions.insert(execution, { exclusive: true });
    this.dispatcher.launch(execution.id, { execution, job });
    return execution;
  }

  async stopJob(jobId: string, options: StopOptions): Promise<Execution> {
    const job = isEntityId(jobId) ? await this.jobs.findById(jobId) : undefined;
    if (!job) throw new JobNotFoundError(jobId);
    const savepointDir = savepointDirFor(job, this.settings);
    if (options.mode === 'savepoint' && !savepointDir) throw new SavepointDirectoryMissingError(jobId);
    const mode: StopMode = options.mode ?? (savepointDir ? 'savepoint' : 'cancel');

    const [active] = await this.executions.findActiveForJob(jobId);
    if (!active) throw new JobNotRunningError(jobId);
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

  private async restoreSettings(jobId: string, options: StartOptions): Promise<RestoreSettings | null> {
    const allowNonRestoredState = options.allowNonRestoredState ?? false;
    if (options.savepointPath) return { savepointPath: options.savepointPath, allowNonRestoredState };
    if (!options.fromLastSavepoint) return null;
    const savepointPath = await this.executions.latestSavepoint(jobId);
    if (!savepointPath) throw new NoSavepointError(jobId);
    return { savepointPath, allowNonRestoredState };
  }
}
