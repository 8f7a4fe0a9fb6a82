import { newExecution, type Execution, type ExecutionStatus } from '../../entities/execution.js';
import type { AuditContext } from '../../entities/audit.js';
import { isEntityId } from '../../entities/ids.js';
import type { Job } from '../../entities/job.js';
import type { ResolvedRun } from '../../entities/run-arguments.js';
import type { Schedule } from '../../entities/schedule.js';
import { ExecutionNotFoundError, JobChangedError, JobNotFoundError } from '../../errors.js';
import type { ExecutionPage, JobExecutions, StartOptions, StopOptions } from '../../ports/input/job-executions.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionCursor, ExecutionRepository, ExecutionSummary } from '../../ports/output/execution-repository.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { JobRepository, JobWithSchedule } from '../../ports/output/job-repository.js';
import type { ScheduleRepository } from '../../ports/output/schedule-repository.js';
import type { AuditedChanges } from '../change-records.js';
import { keysetPage } from '../keyset-page.js';
import { requireLiveJob } from '../live-job.js';
import type { ExecutionFollower } from './follower.js';
import { KnownJobs } from './known-jobs.js';
import type { ExecutionLauncher, LaunchReady } from './launcher.js';
import type { RunArgumentResolver } from './run-argument-resolver.js';
import type { RestoreResolver } from './restore-resolver.js';
import type { ExecutionRetries } from './retries.js';
import type { StopRules } from './stop-rules.js';

/** How many times a start reads its job (or takes it as known) before it gives up on a job that keeps changing. */
const START_ATTEMPTS = 3;

/** What users ask of a job's executions: start one, stop the active one, retry a failed one, read the history. */
export class ExecutionService implements JobExecutions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly schedules: ScheduleRepository,
    private readonly changes: AuditedChanges,
    private readonly launcher: ExecutionLauncher,
    private readonly runArguments: RunArgumentResolver,
    private readonly follower: ExecutionFollower,
    private readonly stops: StopRules,
    private readonly retries: ExecutionRetries,
    private readonly restores: RestoreResolver,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.known = new KnownJobs(jobs);
  }

  /** The jobs this process started runs of lately, as read: a start of one of them reads nothing before its write. */
  private readonly known: KnownJobs;

  async startJob(jobId: string, options: StartOptions, audit: AuditContext): Promise<Execution> {
    // The job as this process knows it first; when it changed since, as read again (a read the change may beat too).
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const started = await this.startAsRead(await this.known.find(jobId, { fresh: attempt > 1 }), options, audit);
      if (started) return started;
    }
    throw new JobChangedError(jobId);
  }

  /** Starts a run of the job as read; undefined when the job or its schedule is no longer as read (nothing stored). */
  private async startAsRead(asRead: JobWithSchedule, options: StartOptions, audit: AuditContext): Promise<Execution | undefined> {
    const { job, schedule } = asRead;
    const restore = await this.restores.forStart(job, options);
    const now = this.clock.now();
    const created = newExecution({
      id: this.ids.newId(),
      jobId: job.id,
      trigger: 'manual',
      scheduledFor: options.scheduledFor ?? now,
      restoredFrom: restore?.restoredFrom ?? null,
      requestedBy: audit.actor.name,
      detail: restore?.detail,
      jobVersion: job.version,
      now,
    });
    const launch = await this.readyLaunch(created, job, schedule);
    const execution = launch ? this.launcher.readied(created, launch.ready, launch.run) : created;
    let stored = false;
    try {
      // The run, its event and the audit row in one statement: no transaction's round trips before the run call.
      const exclusive = isExclusive(schedule);
      stored = await this.changes.aboutJobInOneWrite(audit, job, (row) => this.executions.insert(execution, { exclusive, audit: row, asRead }));
    } finally {
      if (launch && !stored) this.launcher.release(launch.ready);
    }
    if (!stored) return undefined;
    this.launcher.start(execution.id, { execution, job, ...launch });
    return execution;
  }

  async retryExecution(executionId: string, audit: AuditContext): Promise<Execution> {
    const { retry, job } = await this.retries.retryNow(executionId, audit.actor.name);
    const exclusive = await this.exclusive(job.id);
    const record = { resourceId: executionId, versionBefore: job.version, versionAfter: job.version };
    await this.changes.inOneWrite(audit, record, (row) => this.executions.insert(retry, { exclusive, audit: row }));
    this.launcher.start(retry.id, { execution: retry, job });
    return retry;
  }

  async stopJob(jobId: string, options: StopOptions, audit: AuditContext): Promise<Execution> {
    const job = await this.requireJob(jobId);
    const execution = await this.changes.aboutJob(audit, job, ({ executions }) =>
      this.stops.stopJob(job, options, audit.actor.name, executions),
    );
    if (execution.status === 'STOPPING') this.follower.request(execution.id);
    return execution;
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
    // A deleted job's runs stay readable; a job that never existed has none to read.
    if (!isEntityId(jobId) || !(await this.jobs.everExisted(jobId))) throw new JobNotFoundError(jobId);
    const rows = await this.executions.list({ jobId, ...query, limit: query.limit + 1 });
    const page = keysetPage(rows, query.limit, (run) => ({ createdAt: run.createdAt, id: run.id }));
    return { executions: page.rows, next: page.next };
  }

  lastExecutions(jobIds: string[]): Promise<Map<string, ExecutionSummary>> {
    return this.executions.latestForJobs(jobIds.filter(isEntityId));
  }

  private requireJob(jobId: string): Promise<Job> {
    return requireLiveJob(this.jobs, jobId);
  }

  /** Executions of a job may overlap only when its schedule says `allow`; otherwise a start waits for none. */
  private async exclusive(jobId: string): Promise<boolean> {
    return isExclusive(await this.schedules.find(jobId));
  }

  /**
   * What a launch of the new run needs when it can go straight to the run call (see `ExecutionLauncher.readied`);
   * undefined when it has a step to take first, or its arguments cannot be resolved (its launch fails it, saying why).
   */
  private async readyLaunch(execution: Execution, job: Job, schedule: Schedule | null): Promise<{ ready: LaunchReady; run: ResolvedRun } | undefined> {
    const ready = await this.launcher.ready(job);
    if (!ready) return undefined;
    const run = await this.runArguments.resolve(execution, job, schedule).catch(() => undefined);
    if (run) return { ready, run };
    this.launcher.release(ready);
    return undefined;
  }
}

function isExclusive(schedule: Schedule | null | undefined): boolean {
  return schedule?.overlapPolicy !== 'allow';
}
