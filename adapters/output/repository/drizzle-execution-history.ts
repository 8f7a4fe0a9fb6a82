import { sql, type SQL } from 'drizzle-orm';
import type { RemovableRuns } from '../../../domain/entities/execution-retention.js';
import type { ExecutionHistory, RunPosition, SweptBatch } from '../../../domain/ports/output/execution-history.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { namedBy, removeEmptiedDeletedJobs, removeOlderRuns, removeRunsPastCount, takeSweep } from './execution-retention-sql.js';

/** How many jobs one sweep batch counts the runs of. */
const JOBS_PER_BATCH = 200;
/** Before every job id: where the walk over the jobs starts. */
const FIRST_JOB = '00000000-0000-0000-0000-000000000000';

type Executor = Pick<AppDatabase, 'execute'>;

const count = async (db: Executor, statement: SQL) => rowsOf<{ n: number }>(await db.execute(statement))[0]!.n;

export class DrizzleExecutionHistory implements ExecutionHistory {
  constructor(private readonly db: AppDatabase) {}

  /**
   * Runs `statement` in a transaction of its own that holds the sweep; null, running nothing, when another replica
   * holds it. The lock is transaction-scoped: a replica that dies mid-batch lets go of it with its connection.
   */
  private holdingTheSweep<T>(statement: SQL, read: (rows: unknown) => T): Promise<T | null> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const [lock] = rowsOf<{ taken: boolean }>(await tx.execute(takeSweep));
        if (!lock?.taken) return null;
        return read(await tx.execute(statement));
      }),
    );
  }

  sweepOldRuns(before: Date, limit: number, after: RunPosition | null): Promise<SweptBatch<RunPosition> | null> {
    return this.holdingTheSweep(removeOlderRuns(before, limit, after), (result) => {
      const row = rowsOf<{ n: number; last_at: string | Date | null; last_id: string | null }>(result)[0]!;
      const next = row.last_id && row.last_at ? { createdAt: new Date(row.last_at), id: row.last_id } : null;
      return { removed: row.n, next };
    });
  }

  sweepRunsPastCount(keepPerJob: number, limit: number, afterJobId: string | null): Promise<SweptBatch<string> | null> {
    const statement = removeRunsPastCount(keepPerJob, limit, afterJobId ?? FIRST_JOB, JOBS_PER_BATCH);
    return this.holdingTheSweep(statement, (result) => {
      const row = rowsOf<{ n: number; last: string | null }>(result)[0]!;
      // A full batch may have left more in the same jobs: the next batch looks at them again.
      return { removed: row.n, next: row.n >= limit ? (afterJobId ?? FIRST_JOB) : row.last };
    });
  }

  sweepDeletedJobs(before: Date, limit: number): Promise<number | null> {
    return this.holdingTheSweep(removeEmptiedDeletedJobs(before, limit), (result) => rowsOf<{ n: number }>(result)[0]!.n);
  }

  async reclaimSpace(): Promise<void> {
    // Outside any transaction (VACUUM cannot run in one); it takes no lock that blocks reads or writes.
    await withStorageErrors(() => this.db.execute(sql`vacuum (analyze) job_executions`));
  }

  countRemovable(runs: RemovableRuns): Promise<number> {
    return withStorageErrors(() => count(this.db, sql`select count(*)::int as n from job_executions e where ${namedBy(runs)}`));
  }

  removeRemovable(runs: RemovableRuns): Promise<number> {
    return withStorageErrors(() =>
      count(
        this.db,
        sql`with removed as (delete from job_executions e where ${namedBy(runs)} returning 1) select count(*)::int as n from removed`,
      ),
    );
  }
}
