import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { UPGRADES_IN_PROGRESS, type Upgrade } from '../../../domain/entities/upgrade.js';
import { UpgradeInProgressError } from '../../../domain/upgrade-errors.js';
import type { UpgradePageRequest, UpgradeRepository } from '../../../domain/ports/output/upgrade-repository.js';
import type { AppDatabase } from './database.js';
import { translateStorageError, violatedUniqueConstraint, withStorageErrors } from './database-errors.js';
import { upgrades, type UpgradeRow } from './upgrade-table.js';

const inProgress = inArray(upgrades.state, [...UPGRADES_IN_PROGRESS]);

/** Upgrades: one statement per operation. */
export class DrizzleUpgradeRepository implements UpgradeRepository {
  constructor(private readonly db: AppDatabase) {}

  async insert(upgrade: Upgrade): Promise<void> {
    try {
      await this.db.insert(upgrades).values(upgrade);
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'upgrades_one_in_progress_per_job') throw new UpgradeInProgressError(upgrade.jobId);
      throw translateStorageError(error);
    }
  }

  async findById(id: string): Promise<Upgrade | undefined> {
    const [row] = await withStorageErrors(() => this.db.select().from(upgrades).where(eq(upgrades.id, id)));
    return row && toUpgrade(row);
  }

  async findInProgressForJob(jobId: string): Promise<Upgrade | undefined> {
    const [row] = await withStorageErrors(() => this.db.select().from(upgrades).where(and(eq(upgrades.jobId, jobId), inProgress)));
    return row && toUpgrade(row);
  }

  async listForJob(jobId: string, page: UpgradePageRequest): Promise<Upgrade[]> {
    const conditions = [eq(upgrades.jobId, jobId)];
    if (page.after) {
      const { createdAt, id } = page.after;
      conditions.push(sql`(${upgrades.createdAt}, ${upgrades.id}) < (${createdAt.toISOString()}::timestamptz, ${id})`);
    }
    const rows = await withStorageErrors(() =>
      this.db
        .select()
        .from(upgrades)
        .where(and(...conditions))
        .orderBy(desc(upgrades.createdAt), desc(upgrades.id))
        .limit(page.limit),
    );
    return rows.map(toUpgrade);
  }

  async lockNextInProgress(skip: string[]): Promise<Upgrade | undefined> {
    const [row] = await withStorageErrors(() =>
      this.db
        .select()
        .from(upgrades)
        .where(skip.length > 0 ? and(inProgress, notInArray(upgrades.id, skip)) : inProgress)
        .orderBy(asc(upgrades.updatedAt))
        .limit(1)
        .for('update', { skipLocked: true }),
    );
    return row && toUpgrade(row);
  }

  async save(upgrade: Upgrade): Promise<void> {
    const { id, jobId: _jobId, createdAt: _createdAt, ...changes } = upgrade;
    await withStorageErrors(() => this.db.update(upgrades).set(changes).where(eq(upgrades.id, id)));
  }
}

function toUpgrade(row: UpgradeRow): Upgrade {
  return { ...row };
}
