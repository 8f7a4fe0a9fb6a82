import { sql } from 'drizzle-orm';
import type { RemovableRuns, RetentionRule } from '../../../domain/entities/execution-retention.js';
import type { ExecutionHistory, SweptBatch } from '../../../domain/ports/output/execution-history.js';
import { rowsOf, type AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import {
  namedBy,
  removeEmptiedDeletedJobs,
  removeOlderRuns,
  removeRunsPastCount,
  takeSweep,
} from './execution-retention-sql.js';

/** How many jobs one sweep batch counts the runs of. */
const JOBS_PER_BATCH = 200;

type Executor = Pick<AppDatabase, 'execute'>;

const count = async (db: Executor, statement: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await db.execute(statement))[0]!.n;

export class DrizzleExecutionHistory implements ExecutionHistory {
  constructor(private readonly db: AppDatabase) {}

  sweepBatch(rule: RetentionRule, limit: number, afterJobId: string | null): Promise<SweptBatch | null> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        // A transaction-scoped lock: another replica's batch waits for nothing and skips its round; a replica that
        // dies mid-batch lets go of it with its connection.
        const [lock] = rowsOf<{ taken: boolean }>(await tx.execute(takeSweep));
        if (!lock?.taken) return null;
        let removed = await count(tx, removeOlderRuns(rule.before, limit));
        let nextJobId = afterJobId;
        if (removed < limit) {
          const statement = removeRunsPastCount(rule.keepPerJob, limit - removed, afterJobId, JOBS_PER_BATCH);
          const [row] = rowsOf<{ n: number; last: string | null }>(await tx.execute(statement));
          removed += row!.n;
          nextJobId = row!.last;
        }
        removed += await count(tx, removeEmptiedDeletedJobs(rule.before, limit));
        return { removed, nextJobId };
      }),
    );
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
