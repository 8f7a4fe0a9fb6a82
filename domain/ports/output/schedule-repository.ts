import type { MissedTicks } from '../../entities/event.js';
import type { Execution } from '../../entities/execution.js';
import type { Schedule } from '../../entities/schedule.js';

/** A due schedule, locked for this instance, and what the decision needs to know about its job's runs. */
export interface DueTick {
  schedule: Schedule;
  /** Runs of the job that are active and exclusive (not started under the `allow` policy). */
  activeExecutions: number;
  /** Runs of the job that wait in the queue (a retry's back-off, a tick buffered behind the active run). */
  waitingExecutions: number;
}

/** What handling a due tick comes to: the schedule as it is afterwards and the runs to store. */
export interface TickOutcome {
  schedule: Schedule;
  /** When the schedule is due next: its next tick plus that tick's jitter. */
  nextDueAt: Date | null;
  executions: { execution: Execution; exclusive: boolean }[];
  /** Ticks that will not run (an outage longer than the catch-up window): stored as a schedule.ticks_missed event. */
  missed: MissedTicks | null;
}

export interface ScheduleRepository {
  find(jobId: string): Promise<Schedule | undefined>;
  findMany(jobIds: string[]): Promise<Map<string, Schedule>>;
  /** Creates or replaces the job's schedule. */
  save(schedule: Schedule, nextDueAt: Date | null): Promise<void>;
  remove(jobId: string): Promise<boolean>;
  /**
   * In one transaction: locks up to `limit` schedules due at `now` that no other instance has locked, asks
   * `decide` what each due tick comes to, stores the runs (a run already stored for that tick and attempt is left
   * alone) and the schedule's next tick, with the events of the runs stored and of the ticks missed. Resolves with
   * the runs stored.
   */
  claimDue(now: Date, limit: number, decide: (tick: DueTick) => TickOutcome): Promise<Execution[]>;
  /** The earliest time any unpaused schedule is due, or null. */
  nextDueAt(): Promise<Date | null>;
}
