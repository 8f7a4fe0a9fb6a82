import { isTerminal, type Execution } from '../../../domain/entities/execution.js';
import { JobAlreadyRunningError } from '../../../domain/errors.js';
import type {
  ExecutionQuery,
  ExecutionRepository,
  ExecutionSummary,
} from '../../../domain/ports/output/execution-repository.js';

/** The ExecutionRepository contract in memory, revisions and exclusivity included. */
export class InMemoryExecutionRepository implements ExecutionRepository {
  readonly rows = new Map<string, Execution & { exclusive: boolean }>();

  async insert(execution: Execution, options: { exclusive: boolean }): Promise<void> {
    const active = [...this.rows.values()].find(
      (row) => row.jobId === execution.jobId && row.exclusive && !isTerminal(row.status),
    );
    if (options.exclusive && active) throw new JobAlreadyRunningError(execution.jobId, active.id);
    this.rows.set(execution.id, { ...structuredClone(execution), exclusive: options.exclusive });
  }

  async save(execution: Execution): Promise<Execution | undefined> {
    const stored = this.rows.get(execution.id);
    if (!stored || stored.revision !== execution.revision) return undefined;
    const saved = { ...structuredClone(execution), revision: execution.revision + 1 };
    this.rows.set(execution.id, { ...saved, exclusive: stored.exclusive });
    return structuredClone(saved);
  }

  async findById(id: string): Promise<Execution | undefined> {
    const row = this.rows.get(id);
    if (!row) return undefined;
    const { exclusive, ...execution } = structuredClone(row);
    return execution;
  }

  async list(query: ExecutionQuery): Promise<Execution[]> {
    const key = (e: { createdAt: Date; id: string }) => `${e.createdAt.toISOString()}|${e.id}`;
    return [...this.rows.values()]
      .filter((row) => row.jobId === query.jobId && (!query.status || row.status === query.status))
      .filter((row) => !query.after || key(row) < key(query.after))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1))
      .slice(0, query.limit)
      .map(({ exclusive, ...execution }) => structuredClone(execution));
  }

  async findActive(): Promise<Execution[]> {
    return [...this.rows.keys()].map((id) => this.rows.get(id)!).filter((row) => !isTerminal(row.status));
  }

  async findActiveForJob(jobId: string): Promise<Execution[]> {
    return (await this.findActive()).filter((row) => row.jobId === jobId);
  }

  async latestSavepoint(jobId: string): Promise<string | undefined> {
    return [...this.rows.values()]
      .filter((row) => row.jobId === jobId && row.savepointPath)
      .sort((a, b) => (b.endedAt?.getTime() ?? 0) - (a.endedAt?.getTime() ?? 0))[0]?.savepointPath ?? undefined;
  }

  async latestForJobs(jobIds: string[]): Promise<Map<string, ExecutionSummary>> {
    const latest = new Map<string, ExecutionSummary>();
    for (const row of [...this.rows.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
      if (jobIds.includes(row.jobId)) latest.set(row.jobId, row);
    }
    return latest;
  }
}
