import { and, asc, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Savepoint, SavepointStatusName } from '../../../domain/entities/savepoint.js';
import type {
  SavepointPageRequest,
  SavepointRepository,
  SavepointSettlement,
} from '../../../domain/ports/output/savepoint-repository.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { savepoints, type SavepointRow } from './savepoint-tables.js';

/** The savepoint catalog: one statement per operation. */
export class DrizzleSavepointRepository implements SavepointRepository {
  constructor(private readonly db: AppDatabase) {}

  async insert(savepoint: Savepoint): Promise<void> {
    await withStorageErrors(() => this.db.insert(savepoints).values(savepoint));
  }

  async claimPeriodic(savepoint: Savepoint): Promise<boolean> {
    return withStorageErrors(async () => {
      const stored = await this.db
        .insert(savepoints)
        .values(savepoint)
        .onConflictDoNothing({ target: [savepoints.jobId, savepoints.dueAt], where: isNotNull(savepoints.dueAt) })
        .returning({ id: savepoints.id });
      return stored.length === 1;
    });
  }

  async findById(id: string): Promise<Savepoint | undefined> {
    const [row] = await this.select(eq(savepoints.id, id));
    return row && toSavepoint(row);
  }

  async listForJob(jobId: string, page: SavepointPageRequest): Promise<Savepoint[]> {
    const conditions = [eq(savepoints.jobId, jobId)];
    if (page.after) {
      const { createdAt, id } = page.after;
      conditions.push(sql`(${savepoints.createdAt}, ${savepoints.id}) < (${createdAt.toISOString()}::timestamptz, ${id})`);
    }
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(savepoints)
        .where(and(...conditions))
        .orderBy(desc(savepoints.createdAt), desc(savepoints.id))
        .limit(page.limit);
      return rows.map(toSavepoint);
    });
  }

  /** Every follow-up of a run asks this: the statement is built and prepared once, at its first use. */
  async findPendingForExecution(executionId: string): Promise<Savepoint[]> {
    const statement = (this.pendingOfRun ??= this.pendingOfRunStatement());
    const rows = await withStorageErrors(() => statement.execute({ executionId }));
    return rows.map(toSavepoint);
  }

  private pendingOfRun: ReturnType<DrizzleSavepointRepository['pendingOfRunStatement']> | undefined;

  private pendingOfRunStatement() {
    // 'PENDING' written out, not a parameter: a prepared statement's generic plan can then use `savepoints_pending_idx`.
    return this.db
      .select()
      .from(savepoints)
      .where(and(eq(savepoints.executionId, sql.placeholder('executionId')), sql`${savepoints.status} = 'PENDING'`))
      .orderBy(asc(savepoints.createdAt), asc(savepoints.id))
      .prepare('pending_savepoints_of_run');
  }

  async findCompletedForJob(jobId: string): Promise<Savepoint[]> {
    const rows = await this.select(and(eq(savepoints.jobId, jobId), eq(savepoints.status, 'COMPLETED'))!);
    return rows.map(toSavepoint);
  }

  async latestPeriodicDue(jobId: string): Promise<Date | null> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .select({ latest: sql<string | Date | null>`max(${savepoints.dueAt})` })
        .from(savepoints)
        .where(and(eq(savepoints.jobId, jobId), isNotNull(savepoints.dueAt)));
      // An aggregate comes back as the driver reads it: a string on postgres.js, a Date on PGlite.
      return row?.latest ? new Date(row.latest) : null;
    });
  }

  async setTriggerId(id: string, triggerId: string): Promise<void> {
    await withStorageErrors(() => this.db.update(savepoints).set({ triggerId }).where(eq(savepoints.id, id)));
  }

  async settle(id: string, from: SavepointStatusName, change: SavepointSettlement): Promise<Savepoint | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .update(savepoints)
        .set(change)
        .where(and(eq(savepoints.id, id), eq(savepoints.status, from)))
        .returning();
      return row && toSavepoint(row);
    });
  }

  private select(where: SQL): Promise<SavepointRow[]> {
    return withStorageErrors(() =>
      this.db.select().from(savepoints).where(where).orderBy(asc(savepoints.createdAt), asc(savepoints.id)),
    );
  }
}

function toSavepoint(row: SavepointRow): Savepoint {
  return { ...row };
}
