import { ACTIVE_STATUSES, type Execution } from '../../../domain/entities/execution.js';
import type { Schedule } from '../../../domain/entities/schedule.js';
import type { DueTick, ScheduleRepository, TickOutcome } from '../../../domain/ports/output/schedule-repository.js';
import type { InMemoryExecutionRepository } from './in-memory-execution-repository.js';

/** The ScheduleRepository contract in memory for one instance, storing tick runs in `executions`. */
export class InMemoryScheduleRepository implements ScheduleRepository {
  readonly rows = new Map<string, { schedule: Schedule; nextDueAt: Date | null }>();

  constructor(private readonly executions: InMemoryExecutionRepository) {}

  async find(jobId: string): Promise<Schedule | undefined> {
    return structuredClone(this.rows.get(jobId)?.schedule);
  }

  async findMany(jobIds: string[]): Promise<Map<string, Schedule>> {
    return new Map(jobIds.filter((id) => this.rows.has(id)).map((id) => [id, structuredClone(this.rows.get(id)!.schedule)]));
  }

  async save(schedule: Schedule, nextDueAt: Date | null): Promise<void> {
    this.rows.set(schedule.jobId, { schedule: structuredClone(schedule), nextDueAt });
  }

  async remove(jobId: string): Promise<boolean> {
    return this.rows.delete(jobId);
  }

  async claimDue(now: Date, limit: number, decide: (tick: DueTick) => TickOutcome): Promise<Execution[]> {
    const due = [...this.rows.values()]
      .filter(({ schedule, nextDueAt }) => !schedule.paused && nextDueAt && nextDueAt <= now)
      .slice(0, limit);
    const stored: Execution[] = [];
    for (const { schedule } of due) {
      const runs = [...this.executions.rows.values()].filter((row) => row.jobId === schedule.jobId);
      const outcome = decide({
        schedule: structuredClone(schedule),
        activeExecutions: runs.filter((row) => row.exclusive && ACTIVE_STATUSES.includes(row.status)).length,
        waitingExecutions: runs.filter((row) => row.status === 'QUEUED').length,
      });
      for (const { execution, exclusive } of outcome.executions) {
        await this.executions.insert(execution, { exclusive });
        stored.push(execution);
      }
      await this.save(outcome.schedule, outcome.nextDueAt);
    }
    return stored;
  }

  async nextDueAt(): Promise<Date | null> {
    const times = [...this.rows.values()]
      .filter(({ schedule, nextDueAt }) => !schedule.paused && nextDueAt)
      .map(({ nextDueAt }) => nextDueAt!.getTime());
    return times.length > 0 ? new Date(Math.min(...times)) : null;
  }
}
