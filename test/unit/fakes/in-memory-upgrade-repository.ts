import { upgradeInProgress, type Upgrade } from '../../../domain/entities/upgrade.js';
import { UpgradeInProgressError } from '../../../domain/upgrade-errors.js';
import type { UpgradePageRequest, UpgradeRepository } from '../../../domain/ports/output/upgrade-repository.js';

/** Upgrades in memory, one in progress per job like the unique index; a lock is a mark that lasts the test. */
export class InMemoryUpgradeRepository implements UpgradeRepository {
  readonly rows = new Map<string, Upgrade>();

  async insert(upgrade: Upgrade): Promise<void> {
    const other = await this.findInProgressForJob(upgrade.jobId);
    if (other && upgradeInProgress(upgrade)) throw new UpgradeInProgressError(upgrade.jobId, other.id);
    this.rows.set(upgrade.id, structuredClone(upgrade));
  }

  async findById(id: string): Promise<Upgrade | undefined> {
    const row = this.rows.get(id);
    return row && structuredClone(row);
  }

  async findInProgressForJob(jobId: string): Promise<Upgrade | undefined> {
    return [...this.rows.values()].find((row) => row.jobId === jobId && upgradeInProgress(row));
  }

  async listForJob(jobId: string, page: UpgradePageRequest): Promise<Upgrade[]> {
    return [...this.rows.values()]
      .filter((row) => row.jobId === jobId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
      .filter((row) => !page.after || row.createdAt < page.after.createdAt || (+row.createdAt === +page.after.createdAt && row.id < page.after.id))
      .slice(0, page.limit)
      .map((row) => structuredClone(row));
  }

  async lockNextInProgress(skip: string[]): Promise<Upgrade | undefined> {
    const next = [...this.rows.values()]
      .filter((row) => upgradeInProgress(row) && !skip.includes(row.id))
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())[0];
    return next && structuredClone(next);
  }

  async save(upgrade: Upgrade): Promise<void> {
    this.rows.set(upgrade.id, structuredClone(upgrade));
  }
}
