import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { eventTypeOfNewExecution, eventTypeOfStatusChange, runEvent } from '../../../domain/entities/event.js';
import type { AuditEvent } from '../../../domain/entities/audit.js';
import type { Execution } from '../../../domain/entities/execution.js';
import { ExecutionAlreadyRetriedError, JobAlreadyRunningError } from '../../../domain/errors.js';
import type {
  ExecutionQuery,
  ExecutionRepository,
  ExecutionSummary,
  HeldExecution,
} from '../../../domain/ports/output/execution-repository.js';
import type { JobWithSchedule } from '../../../domain/ports/output/job-repository.js';
import type { AppDatabase } from './database.js';
import { translateStorageError, violatedUniqueConstraint, withStorageErrors } from './database-errors.js';
import { leaseColumns, releaseHeldLeases, renewHeldLeases, takeOverExpiredLeases, type LeaseTerms } from './execution-leases.js';
import { changeWithEvent } from './event-outbox.js';
import { asReadSql, asReadValues, insertOf, saveOf, statusChanged } from './execution-save.js';
import { StatementTemplate } from './statement-template.js';
import {
  activeExecution,
  executionAsJson,
  executionOfJson,
  executionRow,
  executionSummaryColumns,
  newestFirstOfJob,
  notSkipped,
  toExecution,
} from './execution-rows.js';
import { jobExecutions } from './schema.js';

const stillAsReadStatement = new StatementTemplate(sql`select ${asReadSql} as as_read`);

/** Written in the SQL text, as the partial indexes of queued runs are (see `activeExecution`). */
const queued = sql`${jobExecutions.status} = 'QUEUED'`;

export class DrizzleExecutionRepository implements ExecutionRepository {
  /** A job's pages of runs, built and prepared at their first use: one statement for each of the four shapes. */
  private readonly pages = new Map<string, ReturnType<DrizzleExecutionRepository['pageStatement']>>();

  constructor(
    private readonly db: AppDatabase,
    private readonly leaseTerms: LeaseTerms,
  ) {}

  async insert(execution: Execution, options: { exclusive: boolean; audit?: AuditEvent; asRead?: JobWithSchedule }): Promise<boolean> {
    const { statement, values } = insertOf(this.db, execution, options, this.leaseTerms);
    // A row a unique index refuses is left out rather than failing the statement, so that inside a transaction
    // the reads that tell which index refused it can still run; its event and audit row are left out with it.
    const inserted = await withStorageErrors(() => statement.run(this.db, values));
    if (inserted.length > 0) return true;
    if (options.asRead && !(await this.stillAsRead(options.asRead))) return false;
    throw await this.refusalOf(execution);
  }

  /** Whether a job and its schedule are still as read (see `asReadSql`): told apart from a unique index's refusal. */
  private async stillAsRead(asRead: JobWithSchedule): Promise<boolean> {
    const [row] = await withStorageErrors(() => stillAsReadStatement.run<{ as_read: boolean }>(this.db, asReadValues(asRead)));
    return row?.as_read === true;
  }

  /** Why an insert of `execution` was refused: the run it retries has a retry, or another run is active. */
  private async refusalOf(execution: Execution): Promise<Error> {
    const retry = execution.retryOf ? await this.findRetryOf(execution.retryOf) : undefined;
    if (retry && execution.retryOf) return new ExecutionAlreadyRetriedError(execution.retryOf, retry.id);
    const running = (await this.findActiveForJob(execution.jobId)).find((other) => other.id !== execution.id);
    return new JobAlreadyRunningError(execution.jobId, running?.id ?? 'unknown');
  }

  async save(execution: Execution, options: { endFailureStreak?: boolean } = {}): Promise<Execution | undefined> {
    const { statement, values } = saveOf(this.db, execution, this.leaseTerms, options.endFailureStreak);
    try {
      const [row] = await statement.run<{ revision: number }>(this.db, values);
      // What was written is `execution` itself: reading the row back would only parse it again.
      return row && { ...execution, revision: row.revision };
    } catch (error) {
      throw await this.conflictOf(error, execution);
    }
  }

  /**
   * Runs `update` of `execution`'s row; when it moves the run into a status that makes an event, the event is
   * stored by the same statement, only if the row was in another status before (a save may repeat a status).
   */
  private async updateWithEvent<Row>(update: { getSQL(): SQL } & PromiseLike<Row[]>, execution: Execution): Promise<Row[]> {
    const type = eventTypeOfStatusChange(execution.status);
    if (!type) return update;
    return changeWithEvent<Row>(this.db, update, runEvent(type, execution), statusChanged(sql`${execution.status}`, execution.id));
  }

  async saveWithRetry(ended: Execution, retry: Execution): Promise<Execution | undefined> {
    const { id, jobId, createdAt, revision, ...changes } = executionRow(ended);
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const update = tx
          .update(jobExecutions)
          .set({ ...changes, revision: ended.revision + 1 })
          .where(and(eq(jobExecutions.id, ended.id), eq(jobExecutions.revision, ended.revision)))
          .returning({ revision: jobExecutions.revision, exclusive: jobExecutions.exclusive });
        const [row] = await new DrizzleExecutionRepository(tx, this.leaseTerms).updateWithEvent(update, ended);
        if (!row) return undefined;
        const insert = tx
          .insert(jobExecutions)
          .values({ ...executionRow(retry), exclusive: row.exclusive, ...leaseColumns(this.leaseTerms) })
          .onConflictDoNothing()
          .returning({ id: jobExecutions.id });
        await changeWithEvent(tx, insert, runEvent(eventTypeOfNewExecution(retry), retry));
        return { ...ended, revision: row.revision };
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

  async renewLeases(limit: number): Promise<{ held: HeldExecution[]; takenOver: Execution[] }> {
    return withStorageErrors(async () => ({
      held: await renewHeldLeases(this.db, this.leaseTerms),
      takenOver: await takeOverExpiredLeases(this.db, this.leaseTerms, limit),
    }));
  }

  async releaseLeases(): Promise<void> {
    await withStorageErrors(() => releaseHeldLeases(this.db, this.leaseTerms));
  }

  /** The domain error a refused save stands for: it would make a second exclusive run of the job active. */
  private async conflictOf(error: unknown, execution: Execution): Promise<unknown> {
    if (violatedUniqueConstraint(error) !== 'job_executions_one_active_per_job') return translateStorageError(error);
    const running = (await this.findActiveForJob(execution.jobId)).find((other) => other.id !== execution.id);
    return new JobAlreadyRunningError(execution.jobId, running?.id ?? 'unknown');
  }

  /**
   * Prepared at its first use, the run as one JSON value: it answers every poll of a run (`GET /executions/:id`), and
   * building the statement and reading 25 columns one by one cost more than the lookup itself.
   */
  async findById(id: string): Promise<Execution | undefined> {
    const statement = (this.byId ??= this.byIdStatement());
    return withStorageErrors(async () => {
      const [row] = await statement.execute({ id });
      return row && executionOfJson(row);
    });
  }

  private byId: ReturnType<DrizzleExecutionRepository['byIdStatement']> | undefined;

  private byIdStatement() {
    return this.db.select(executionAsJson).from(jobExecutions).where(eq(jobExecutions.id, sql.placeholder('id'))).prepare('run_by_id');
  }

  async list(query: ExecutionQuery): Promise<Execution[]> {
    const shape = `${query.status ? 'status' : ''}_${query.after ? 'after' : ''}`;
    let page = this.pages.get(shape);
    if (!page) this.pages.set(shape, (page = this.pageStatement(shape)));
    const values = { jobId: query.jobId, status: query.status, afterAt: query.after?.createdAt.toISOString(), afterId: query.after?.id };
    return withStorageErrors(async () => (await page.execute({ ...values, limit: query.limit })).map(executionOfJson));
  }

  private pageStatement(shape: string) {
    const conditions: SQL[] = [eq(jobExecutions.jobId, sql.placeholder('jobId'))];
    if (shape.includes('status')) conditions.push(eq(jobExecutions.status, sql.placeholder('status')));
    if (shape.includes('after')) {
      const after = sql`(${sql.placeholder('afterAt')}::timestamptz, ${sql.placeholder('afterId')})`;
      conditions.push(sql`(${jobExecutions.createdAt}, ${jobExecutions.id}) < ${after}`);
    }
    return this.db
      .select(executionAsJson)
      .from(jobExecutions)
      .where(and(...conditions))
      .orderBy(...newestFirstOfJob)
      .limit(sql.placeholder('limit'))
      .prepare(`job_runs${shape}`);
  }

  async findActiveForJob(jobId: string): Promise<Execution[]> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobExecutions)
        .where(and(eq(jobExecutions.jobId, jobId), activeExecution))
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
        .selectDistinctOn([jobExecutions.jobId], { jobId: jobExecutions.jobId, ...executionSummaryColumns })
        .from(jobExecutions)
        .where(and(inArray(jobExecutions.jobId, jobIds), notSkipped))
        .orderBy(jobExecutions.jobId, ...newestFirstOfJob);
      return new Map(rows.map(({ jobId, ...summary }) => [jobId, summary]));
    });
  }
}
