import { ACTIVE_STATUSES, type Execution } from '../../../domain/entities/execution.js';
import type { Schedule } from '../../../domain/entities/schedule.js';
import type { DueTick, ScheduleRepository, TickOutcome } from '../../../domain/ports/output/schedule-repository.js';
import type { NewEvent } from '../../../domain/entities/event.js';
import type { InMemoryEventOutbox } from './in-memory-event-outbox.js';
import type { InMemoryExecutionRepository } from './in-memory-execution-repository.js';

/** The ScheduleRepository contract in memory for one instance, storing tick runs in `executions`. */
export class InMemoryScheduleRepository implements ScheduleRepository {
  readonly rows = new Map<string, { schedule: Schedule; nextDueAt: Date | null }>();

  constructor(
    private readonly executions: InMemoryExecutionRepository,
    /** Where the events of `update` go. */
    private readonly events?: InMemoryEventOutbox,
  ) {
    executions.schedules = this;
  }

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
    for (const { schedule } of due) stored.push(...(await this.decideAndStore(schedule, decide)));
    return stored;
  }

  async fireNow(jobId: string, decide: (tick: DueTick) => TickOutcome): Promise<Execution[] | undefined> {
    const row = this.rows.get(jobId);
    return row && this.decideAndStore(row.schedule, decide);
  }

  async update(jobId: string, change: (schedule: Schedule) => { schedule: Schedule; events: NewEvent[] } | undefined): Promise<boolean> {
    const row = this.rows.get(jobId);
    if (!row) return false;
    const changed = change(structuredClone(row.schedule));
    if (changed) {
      await this.save(changed.schedule, row.nextDueAt);
      await this.events?.append(changed.events);
    }
    return true;
  }

  async endFailureStreak(jobId: string): Promise<void> {
    const row = this.rows.get(jobId);
    if (!row || (row.schedule.counters.consecutiveFailures === 0 && row.schedule.failureStreak.length === 0)) return;
    const counters = { ...row.schedule.counters, consecutiveFailures: 0 };
    await this.save({ ...row.schedule, counters, failureStreak: [] }, row.nextDueAt);
  }

  private async decideAndStore(schedule: Schedule, decide: (tick: DueTick) => TickOutcome): Promise<Execution[]> {
    const runs = [...this.executions.rows.values()].filter((row) => row.jobId === schedule.jobId);
    const outcome = decide({
      schedule: structuredClone(schedule),
      activeExecutions: runs.filter((row) => row.exclusive && ACTIVE_STATUSES.includes(row.status)).length,
      waitingExecutions: runs.filter((row) => row.status === 'QUEUED').length,
      jobVersion: null,
    });
    const stored: Execution[] = [];
    for (const { execution, exclusive, events = [] } of outcome.executions) {
      await this.executions.insert(execution, { exclusive });
      await this.events?.append(events);
      stored.push(execution);
    }
    await this.save(outcome.schedule, outcome.nextDueAt);
    return stored;
  }

  async nextDueAt(): Promise<Date | null> {
    const times = [...this.rows.values()]
      .filter(({ schedule, nextDueAt }) => !schedule.paused && nextDueAt)
      .map(({ nextDueAt }) => nextDueAt!.getTime());
    return times.length > 0 ? new Date(Math.min(...times)) : null;
  }
}
