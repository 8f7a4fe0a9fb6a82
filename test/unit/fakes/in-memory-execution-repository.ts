import type { AuditEvent } from '../../../domain/entities/audit.js';
import { ACTIVE_STATUSES, type Execution } from '../../../domain/entities/execution.js';
import { ExecutionAlreadyRetriedError, JobAlreadyRunningError } from '../../../domain/errors.js';
import type {
  ExecutionQuery,
  ExecutionRepository,
  ExecutionSummary,
  HeldExecution,
} from '../../../domain/ports/output/execution-repository.js';
import type { JobRepository, JobWithSchedule } from '../../../domain/ports/output/job-repository.js';
import type { ScheduleRepository } from '../../../domain/ports/output/schedule-repository.js';
import { heldExecutionOf } from '../../../domain/services/executions/lease-round.js';

type Row = Execution & { exclusive: boolean };

const isActive = (row: Execution) => ACTIVE_STATUSES.includes(row.status);

/** The ExecutionRepository contract in memory, revisions, exclusivity and one retry per run included; one instance. */
export class InMemoryExecutionRepository implements ExecutionRepository {
  readonly rows = new Map<string, Row>();
  /** The audit rows inserts were given, stored with their runs. */
  readonly audited: AuditEvent[] = [];
  /** The schedules whose failure streaks a save may end: the InMemoryScheduleRepository made with this one. */
  schedules?: Pick<ScheduleRepository, 'endFailureStreak'>;
  /** Where an insert `asRead` finds its job and schedule as they are now: the job repository of a test that starts runs. */
  definitions?: Pick<JobRepository, 'findWithSchedule'>;

  async insert(execution: Execution, options: { exclusive: boolean; audit?: AuditEvent; asRead?: JobWithSchedule }): Promise<boolean> {
    if (options.asRead && !(await this.stillAsRead(options.asRead))) return false;
    this.checkRoomFor({ ...execution, exclusive: options.exclusive });
    if (execution.retryOf) {
      const retry = [...this.rows.values()].find((row) => row.retryOf === execution.retryOf);
      if (retry) throw new ExecutionAlreadyRetriedError(execution.retryOf, retry.id);
    }
    this.rows.set(execution.id, { ...structuredClone(execution), exclusive: options.exclusive });
    if (options.audit) this.audited.push(structuredClone(options.audit));
    return true;
  }

  private async stillAsRead({ job, schedule }: JobWithSchedule): Promise<boolean> {
    if (!this.definitions) throw new Error('an insert asRead was made, but this test gave the execution repository no definitions');
    const now = await this.definitions.findWithSchedule(job.id);
    if (!now || now.job.version !== job.version) return false;
    const startTakes = (from: JobWithSchedule['schedule']) => from && [from.cron, from.timezone, from.overlapPolicy].join(' ');
    return startTakes(now.schedule) === startTakes(schedule);
  }

  async save(execution: Execution, options: { endFailureStreak?: boolean } = {}): Promise<Execution | undefined> {
    const stored = this.rows.get(execution.id);
    if (!stored || stored.revision !== execution.revision) return undefined;
    this.checkRoomFor({ ...execution, exclusive: stored.exclusive });
    const saved = { ...structuredClone(execution), revision: execution.revision + 1 };
    this.rows.set(execution.id, { ...saved, exclusive: stored.exclusive });
    if (options.endFailureStreak) await this.schedules?.endFailureStreak(execution.jobId);
    return structuredClone(saved);
  }

  async saveWithRetry(ended: Execution, retry: Execution): Promise<Execution | undefined> {
    const saved = await this.save(ended);
    if (saved && ![...this.rows.values()].some((row) => row.retryOf === retry.retryOf)) {
      this.rows.set(retry.id, { ...structuredClone(retry), exclusive: this.rows.get(ended.id)!.exclusive });
    }
    return saved;
  }

  async findById(id: string): Promise<Execution | undefined> {
    const row = this.rows.get(id);
    return row && strip(row);
  }

  async list(query: ExecutionQuery): Promise<Execution[]> {
    const key = (e: { createdAt: Date; id: string }) => `${e.createdAt.toISOString()}|${e.id}`;
    return [...this.rows.values()]
      .filter((row) => row.jobId === query.jobId && (!query.status || row.status === query.status))
      .filter((row) => !query.after || key(row) < key(query.after))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1))
      .slice(0, query.limit)
      .map(strip);
  }

  async findActiveForJob(jobId: string): Promise<Execution[]> {
    return [...this.rows.values()].filter((row) => row.jobId === jobId && isActive(row)).map(strip);
  }

  async findQueued(limit: number): Promise<Execution[]> {
    return [...this.rows.values()].filter((row) => row.status === 'QUEUED').slice(0, limit).map(strip);
  }

  async findQueuedForJob(jobId: string): Promise<Execution[]> {
    return (await this.findQueued(Infinity)).filter((row) => row.jobId === jobId);
  }

  async findRetryOf(executionId: string): Promise<Execution | undefined> {
    const row = [...this.rows.values()].find((candidate) => candidate.retryOf === executionId);
    return row && strip(row);
  }

  /** One instance holds every active run. */
  async renewLeases(): Promise<{ held: HeldExecution[]; takenOver: Execution[] }> {
    return { held: [...this.rows.values()].filter(isActive).map(strip).map(heldExecutionOf), takenOver: [] };
  }

  async releaseLeases(): Promise<void> {}

  async latestSavepoint(jobId: string): Promise<string | undefined> {
    return [...this.rows.values()]
      .filter((row) => row.jobId === jobId && row.savepointPath)
      .sort((a, b) => (b.endedAt?.getTime() ?? 0) - (a.endedAt?.getTime() ?? 0))[0]?.savepointPath ?? undefined;
  }

  async latestForJobs(jobIds: string[]): Promise<Map<string, ExecutionSummary>> {
    const latest = new Map<string, ExecutionSummary>();
    for (const row of [...this.rows.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
      if (jobIds.includes(row.jobId) && row.status !== 'SKIPPED') latest.set(row.jobId, row);
    }
    return latest;
  }

  /** Refuses a second active exclusive run of a job, as the database's partial unique index does. */
  private checkRoomFor(candidate: Row): void {
    if (!candidate.exclusive || !isActive(candidate)) return;
    const other = [...this.rows.values()].find(
      (row) => row.id !== candidate.id && row.jobId === candidate.jobId && row.exclusive && isActive(row),
    );
    if (other) throw new JobAlreadyRunningError(candidate.jobId, other.id);
  }
}

function strip(row: Row): Execution {
  const { exclusive, ...execution } = structuredClone(row);
  return execution;
}
