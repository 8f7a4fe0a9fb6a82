import type { Savepoint, SavepointStatusName } from '../../../domain/entities/savepoint.js';
import type { SavepointFiles } from '../../../domain/ports/output/savepoint-files.js';
import type {
  SavepointPageRequest,
  SavepointRepository,
  SavepointSettlement,
} from '../../../domain/ports/output/savepoint-repository.js';

/** The savepoint catalog in memory, one savepoint per due time of a job like the unique index. */
export class InMemorySavepointRepository implements SavepointRepository {
  readonly rows = new Map<string, Savepoint>();

  async insert(savepoint: Savepoint): Promise<void> {
    this.rows.set(savepoint.id, { ...savepoint });
  }

  async claimPeriodic(savepoint: Savepoint): Promise<boolean> {
    const taken = [...this.rows.values()].some(
      (row) => row.jobId === savepoint.jobId && row.dueAt?.getTime() === savepoint.dueAt?.getTime(),
    );
    if (!taken) await this.insert(savepoint);
    return !taken;
  }

  async findById(id: string): Promise<Savepoint | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }

  async listForJob(jobId: string, page: SavepointPageRequest): Promise<Savepoint[]> {
    const after = page.after;
    return this.all()
      .filter((row) => row.jobId === jobId)
      .reverse()
      .filter((row) => !after || row.createdAt < after.createdAt || (row.createdAt.getTime() === after.createdAt.getTime() && row.id < after.id))
      .slice(0, page.limit);
  }

  async findPendingForExecution(executionId: string): Promise<Savepoint[]> {
    return this.all().filter((row) => row.executionId === executionId && row.status === 'PENDING');
  }

  async findCompletedForJob(jobId: string): Promise<Savepoint[]> {
    return this.all().filter((row) => row.jobId === jobId && row.status === 'COMPLETED');
  }

  async latestPeriodicDue(jobId: string): Promise<Date | null> {
    const due = this.all().flatMap((row) => (row.jobId === jobId && row.dueAt ? [row.dueAt.getTime()] : []));
    return due.length ? new Date(Math.max(...due)) : null;
  }

  async setTriggerId(id: string, triggerId: string): Promise<void> {
    const row = this.rows.get(id);
    if (row) row.triggerId = triggerId;
  }

  async settle(id: string, from: SavepointStatusName, change: SavepointSettlement): Promise<Savepoint | undefined> {
    const row = this.rows.get(id);
    if (row?.status !== from) return undefined;
    Object.assign(row, change);
    return { ...row };
  }

  /** Oldest first. */
  private all(): Savepoint[] {
    return [...this.rows.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((row) => ({ ...row }));
  }
}

/** Savepoint folders in memory: `file:` paths listed in `folders` exist and are removed; others stay. */
export class InMemorySavepointFiles implements SavepointFiles {
  readonly folders = new Set<string>();
  readonly removed: string[] = [];

  async remove(path: string): Promise<{ removed: true } | { removed: false; reason: string }> {
    if (!this.folders.delete(path)) return { removed: false, reason: 'not a folder this service reaches' };
    this.removed.push(path);
    return { removed: true };
  }
}

/** The savepoint ports of the execution units, in memory. */
export function inMemorySavepointPorts() {
  return { savepoints: new InMemorySavepointRepository(), savepointFiles: new InMemorySavepointFiles() };
}
