import type { MissedTicks, NewEvent } from '../../entities/event.js';
import type { Execution } from '../../entities/execution.js';
import type { Schedule } from '../../entities/schedule.js';

/** A due schedule, locked for this instance, and what the decision needs to know about its job's runs. */
export interface DueTick {
  schedule: Schedule;
  /** Runs of the job that are active and exclusive (not started under the `allow` policy). */
  activeExecutions: number;
  /** Runs of the job that wait in the queue (a retry's back-off, a tick buffered behind the active run). */
  waitingExecutions: number;
  /** The job's version as the claim read it: its runs are of that version (null: the job is gone). */
  jobVersion: number | null;
}

/** What handling a due tick comes to: the schedule as it is afterwards and the runs to store. */
export interface TickOutcome {
  schedule: Schedule;
  /** When the schedule is due next: its next tick plus that tick's jitter. */
  nextDueAt: Date | null;
  /** `events`: what the run's start did to the schedule (it ended it): stored only if the run is. */
  executions: { execution: Execution; exclusive: boolean; events?: NewEvent[] }[];
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
  /**
   * The same as `claimDue` for one schedule, due or not, paused or not, now: locks it (waiting for a claim that holds
   * it), asks `decide`, and stores what it says. Resolves with the runs stored; undefined when it has no schedule.
   * Run it in the transaction of the change it belongs to (its own becomes a savepoint).
   */
  fireNow(jobId: string, decide: (tick: DueTick) => TickOutcome): Promise<Execution[] | undefined>;
  /**
   * Changes the job's schedule as `change` says, with the schedule locked, in one transaction with the events it
   * returns; `change` returns undefined to leave it alone. Resolves with whether it had a schedule.
   */
  update(jobId: string, change: (schedule: Schedule) => { schedule: Schedule; events: NewEvent[] } | undefined): Promise<boolean>;
  /**
   * What a scheduled run that succeeded does to its schedule: no failures in a row any more. Writes (and locks the
   * schedule) only when it had some, so that the end of every successful run does not hold up the claims.
   */
  endFailureStreak(jobId: string): Promise<void>;
  /** The earliest time any unpaused schedule is due, or null. */
  nextDueAt(): Promise<Date | null>;
}
