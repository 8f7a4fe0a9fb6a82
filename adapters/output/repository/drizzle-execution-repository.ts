import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  ACTIVE_STATUSES,
  type Execution,
  type HistoryEntry,
  type StopRequest,
} from '../../../domain/entities/execution.js';
import { ExecutionAlreadyRetriedError, JobAlreadyRunningError } from '../../../domain/errors.js';
import type { Clock } from '../../../domain/ports/output/clock.js';
import type {
  ExecutionQuery,
  ExecutionRepository,
  ExecutionSummary,
} from '../../../domain/ports/output/execution-repository.js';
import type { AppDatabase } from './database.js';
import { translateStorageError, violatedUniqueConstraint, withStorageErrors } from './database-errors.js';
import { jobExecutions, type ExecutionRow, type StoredHistoryEntry, type StoredStopRequest } from './schema.js';

const active = inArray(jobExecutions.status, [...ACTIVE_STATUSES]);
const queued = eq(jobExecutions.status, 'QUEUED');

/** Who this instance is among the service's replicas, and how long its hold on a run lasts unrenewed. */
export interface ExecutionLeases {
  owner: string;
  ttlMs: number;
  clock: Clock;
}

/** The lease columns of a run this instance takes now. */
export function leaseColumns(leases: ExecutionLeases): { leaseOwner: string; leaseUntil: Date } {
  return { leaseOwner: leases.owner, leaseUntil: new Date(leases.clock.now().getTime() + leases.ttlMs) };
}

const columnNames = Object.fromEntries(
  Object.entries(getTableColumns(jobExecutions)).map(([key, column]) => [key, column.name]),
) as Record<keyof ExecutionRow, string>;

/**
 * Inserts many runs in one statement with one parameter, a JSON array read back as job_executions rows: far cheaper
 * than thousands of bind parameters for a herd of ticks. A run that would break a unique index (a second run of a
 * tick, or of an active job) is left out. Resolves with the ids stored.
 */
export async function insertManyExecutions(
  db: Pick<AppDatabase, 'execute'>,
  rows: (typeof jobExecutions.$inferInsert)[],
): Promise<{ id: string }[]> {
  const keys = Object.keys(rows[0]!) as (keyof ExecutionRow)[];
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(keys.map((key) => [columnNames[key], row[key]]))));
  const columns = sql.join(keys.map((key) => sql.identifier(columnNames[key])), sql`, `);
  const result = await db.execute<{ id: string }>(sql`
    insert into ${jobExecutions} (${columns})
    select ${columns} from jsonb_populate_recordset(null::${jobExecutions}, ${json}::jsonb)
    on conflict do nothing
    returning id`);
  return Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows;
}

export class DrizzleExecutionRepository implements ExecutionRepository {
  constructor(
    private readonly db: AppDatabase,
    private readonly leases: ExecutionLeases,
  ) {}

  async insert(execution: Execution, options: { exclusive: boolean }): Promise<void> {
    try {
      await this.db
        .insert(jobExecutions)
        .values({ ...executionRow(execution), exclusive: options.exclusive, ...leaseColumns(this.leases) });
    } catch (error) {
      throw await this.conflictOf(error, execution);
    }
  }

  async save(execution: Execution): Promise<Execution | undefined> {
    const { id, jobId, createdAt, revision, ...changes } = executionRow(execution);
    const { leaseOwner, leaseUntil } = leaseColumns(this.leases);
    // A run leaving the queue is driven by the instance that starts it.
    const leaving = sql`${jobExecutions.status} = 'QUEUED'`;
    try {
      const [row] = await this.db
        .update(jobExecutions)
        .set({
          ...changes,
          revision: execution.revision + 1,
          leaseOwner: sql`case when ${leaving} then ${leaseOwner} else ${jobExecutions.leaseOwner} end`,
          leaseUntil: sql`case when ${leaving} then ${leaseUntil.toISOString()}::timestamptz else ${jobExecutions.leaseUntil} end`,
        })
        .where(and(eq(jobExecutions.id, execution.id), eq(jobExecutions.revision, execution.revision)))
        .returning({ revision: jobExecutions.revision });
      // What was written is `execution` itself: reading the row back would only parse it again.
      return row && { ...execution, revision: row.revision };
    } catch (error) {
      throw await this.conflictOf(error, execution);
    }
  }

  async saveWithRetry(ended: Execution, retry: Execution): Promise<Execution | undefined> {
    const { id, jobId, createdAt, revision, ...changes } = executionRow(ended);
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const [row] = await tx
          .update(jobExecutions)
          .set({ ...changes, revision: ended.revision + 1 })
          .where(and(eq(jobExecutions.id, ended.id), eq(jobExecutions.revision, ended.revision)))
          .returning();
        if (!row) return undefined;
        await tx
          .insert(jobExecutions)
          .values({ ...executionRow(retry), exclusive: row.exclusive, ...leaseColumns(this.leases) })
          .onConflictDoNothing();
        return toExecution(row);
      }),
    );
  }

  async findQueued(limit: number): Promise<Execution[]> {
    return withStorageErrors(async () => {
      const rows = await this.db.select().from(jobExecutions).where(queued).orderBy(asc(jobExecutions.createdAt)).limit(limit);
      return rows.map(toExecution);
    });
  }

  async findQueuedForJob(jobId: string): Promise<Execution[]> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobExecutions)
        .where(and(eq(jobExecutions.jobId, jobId), queued))
        .orderBy(asc(jobExecutions.createdAt));
      return rows.map(toExecution);
    });
  }

  async findRetryOf(executionId: string): Promise<Execution | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db.select().from(jobExecutions).where(eq(jobExecutions.retryOf, executionId));
      return row && toExecution(row);
    });
  }

  async renewLeases(limit: number): Promise<{ held: Execution[]; takenOver: Execution[] }> {
    const now = this.leases.clock.now();
    const lease = leaseColumns(this.leases);
    return withStorageErrors(async () => {
      const held = await this.db
        .update(jobExecutions)
        .set({ leaseUntil: lease.leaseUntil })
        .where(and(eq(jobExecutions.leaseOwner, lease.leaseOwner), active))
        .returning();
      // Rows another instance is taking over right now are skipped, not waited for.
      const expired = this.db
        .select({ id: jobExecutions.id })
        .from(jobExecutions)
        .where(and(active, or(isNull(jobExecutions.leaseUntil), lt(jobExecutions.leaseUntil, now))))
        .orderBy(asc(jobExecutions.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const takenOver = await this.db
        .update(jobExecutions)
        .set(lease)
        .where(and(inArray(jobExecutions.id, expired), active))
        .returning();
      const oldestFirst = (rows: ExecutionRow[]) =>
        rows.map(toExecution).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return { held: oldestFirst(held), takenOver: oldestFirst(takenOver) };
    });
  }

  async releaseLeases(): Promise<void> {
    await withStorageErrors(() =>
      this.db
        .update(jobExecutions)
        .set({ leaseUntil: null })
        .where(and(eq(jobExecutions.leaseOwner, this.leases.owner), active)),
    );
  }

  /** The domain error a refused write of `execution` stands for. */
  private async conflictOf(error: unknown, execution: Execution): Promise<unknown> {
    const constraint = violatedUniqueConstraint(error);
    if (constraint === 'job_executions_one_active_per_job') {
      const running = (await this.findActiveForJob(execution.jobId)).find((run) => run.id !== execution.id);
      return new JobAlreadyRunningError(execution.jobId, running?.id ?? 'unknown');
    }
    if (execution.retryOf && (constraint === 'job_executions_one_retry_per_run' || constraint === 'job_executions_one_per_tick')) {
      const retry = await this.findRetryOf(execution.retryOf);
      return new ExecutionAlreadyRetriedError(execution.retryOf, retry?.id ?? 'unknown');
    }
    return translateStorageError(error);
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
    queue: execution.queue && {
      notBefore: execution.queue.notBefore?.toISOString() ?? null,
      stopActive: execution.queue.stopActive,
    },
    retryOf: execution.retryOf,
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
    queue: row.queue && {
      notBefore: row.queue.notBefore ? new Date(row.queue.notBefore) : null,
      stopActive: row.queue.stopActive,
    },
    retryOf: row.retryOf,
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
