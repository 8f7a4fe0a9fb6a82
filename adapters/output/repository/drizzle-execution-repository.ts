import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import {
  ACTIVE_STATUSES,
  type Execution,
  type HistoryEntry,
  type StopRequest,
} from '../../../domain/entities/execution.js';
import { JobAlreadyRunningError } from '../../../domain/errors.js';
import type {
  ExecutionQuery,
  ExecutionRepository,
  ExecutionSummary,
} from '../../../domain/ports/output/execution-repository.js';
import type { AppDatabase } from './database.js';
import { translateStorageError, violatedUniqueConstraint, withStorageErrors } from './database-errors.js';
import { jobExecutions, type ExecutionRow, type StoredHistoryEntry, type StoredStopRequest } from './schema.js';

const active = inArray(jobExecutions.status, [...ACTIVE_STATUSES]);

export class DrizzleExecutionRepository implements ExecutionRepository {
  constructor(private readonly db: AppDatabase) {}

  async insert(execution: Execution, options: { exclusive: boolean }): Promise<void> {
    try {
      await this.db.insert(jobExecutions).values({ ...executionRow(execution), exclusive: options.exclusive });
    } catch (error) {
      if (violatedUniqueConstraint(error) !== 'job_executions_one_active_per_job') throw translateStorageError(error);
      const [running] = await this.findActiveForJob(execution.jobId);
      throw new JobAlreadyRunningError(execution.jobId, running?.id ?? 'unknown');
    }
  }

  async save(execution: Execution): Promise<Execution | undefined> {
    const { id, jobId, createdAt, revision, ...changes } = executionRow(execution);
    return withStorageErrors(async () => {
      const [row] = await this.db
        .update(jobExecutions)
        .set({ ...changes, revision: execution.revision + 1 })
        .where(and(eq(jobExecutions.id, execution.id), eq(jobExecutions.revision, execution.revision)))
        .returning();
      return row && toExecution(row);
    });
  }

  async findById(id: string): Promise<Execution | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db.select().from(jobExecutions).where(eq(jobExecutions.id, id));
      return row && toExecution(row);
    });
  }

  async list(query: ExecutionQuery): Promise<Execution[]> {
    const conditions: SQL[] = [eq(jobExecutions.jobId, query.jobId)];
    if (query.status) conditions.push(eq(jobExecutions.status, query.status));
    if (query.after) {
      conditions.push(sql`(${jobExecutions.createdAt}, ${jobExecutions.id}) < (${query.after.createdAt.toISOString()}::timestamptz, ${query.after.id})`);
    }
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobExecutions)
        .where(and(...conditions))
        .orderBy(desc(jobExecutions.createdAt), desc(jobExecutions.id))
        .limit(query.limit);
      return rows.map(toExecution);
    });
  }

  async findActive(): Promise<Execution[]> {
    return withStorageErrors(async () => {
      const rows = await this.db.select().from(jobExecutions).where(active).orderBy(asc(jobExecutions.createdAt));
      return rows.map(toExecution);
    });
  }

  async findActiveForJob(jobId: string): Promise<Execution[]> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobExecutions)
        .where(and(eq(jobExecutions.jobId, jobId), active))
        .orderBy(asc(jobExecutions.createdAt));
      return rows.map(toExecution);
    });
  }

  async latestSavepoint(jobId: string): Promise<string | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .select({ savepointPath: jobExecutions.savepointPath })
        .from(jobExecutions)
        .where(and(eq(jobExecutions.jobId, jobId), isNotNull(jobExecutions.savepointPath)))
        .orderBy(sql`${jobExecutions.endedAt} desc nulls last`, desc(jobExecutions.createdAt))
        .limit(1);
      return row?.savepointPath ?? undefined;
    });
  }

  async latestForJobs(jobIds: string[]): Promise<Map<string, ExecutionSummary>> {
    if (jobIds.length === 0) return new Map();
    return withStorageErrors(async () => {
      const rows = await this.db
        .selectDistinctOn([jobExecutions.jobId], {
          jobId: jobExecutions.jobId,
          id: jobExecutions.id,
          status: jobExecutions.status,
          createdAt: jobExecutions.createdAt,
          startedAt: jobExecutions.startedAt,
          endedAt: jobExecutions.endedAt,
        })
        .from(jobExecutions)
        .where(inArray(jobExecutions.jobId, jobIds))
        .orderBy(jobExecutions.jobId, desc(jobExecutions.createdAt), desc(jobExecutions.id));
      return new Map(rows.map(({ jobId, ...summary }) => [jobId, summary]));
    });
  }
}

export function executionRow(execution: Execution): typeof jobExecutions.$inferInsert {
  return {
    id: execution.id,
    jobId: execution.jobId,
    trigger: execution.trigger,
    attempt: execution.attempt,
    scheduledFor: execution.scheduledFor,
    status: execution.status,
    flinkJobId: execution.flinkJobId,
    flinkJarId: execution.flinkJarId,
    savepointPath: execution.savepointPath,
    restoredFrom: execution.restoredFrom,
    error: execution.error,
    stopRequest: execution.stopRequest && storeStopRequest(execution.stopRequest),
    history: execution.history.map(storeHistoryEntry),
    createdAt: execution.createdAt,
    startedAt: execution.startedAt,
    endedAt: execution.endedAt,
    revision: execution.revision,
  };
}

export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    jobId: row.jobId,
    trigger: row.trigger,
    attempt: row.attempt,
    scheduledFor: row.scheduledFor,
    status: row.status,
    flinkJobId: row.flinkJobId,
    flinkJarId: row.flinkJarId,
    savepointPath: row.savepointPath,
    restoredFrom: row.restoredFrom,
    error: row.error,
    stopRequest: row.stopRequest && loadStopRequest(row.stopRequest),
    history: row.history.map(loadHistoryEntry),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    revision: row.revision,
  };
}

function storeHistoryEntry(entry: HistoryEntry): StoredHistoryEntry {
  return { ...entry, at: entry.at.toISOString() };
}

function loadHistoryEntry(entry: StoredHistoryEntry): HistoryEntry {
  return { ...entry, at: new Date(entry.at) };
}

function storeStopRequest(request: StopRequest): StoredStopRequest {
  return {
    ...request,
    requestedAt: request.requestedAt.toISOString(),
    cancelRequestedAt: request.cancelRequestedAt?.toISOString(),
  };
}

function loadStopRequest(request: StoredStopRequest): StopRequest {
  return {
    ...request,
    requestedAt: new Date(request.requestedAt),
    cancelRequestedAt: request.cancelRequestedAt ? new Date(request.cancelRequestedAt) : undefined,
  };
}
