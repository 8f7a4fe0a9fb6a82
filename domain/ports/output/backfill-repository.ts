import type { NewEvent } from '../../entities/event.js';
import type { Backfill, BackfillClaim, BackfillState } from '../../entities/backfill.js';
import type { Execution, ExecutionStatus } from '../../entities/execution.js';

/** A backfill and how far it got. */
export interface BackfillProgress {
  backfill: Backfill;
  /** Its runs (retries included) by status; a status without runs is left out. */
  runs: Partial<Record<ExecutionStatus, number>>;
  /** Ticks that have a run of the backfill. */
  ticksStarted: number;
  /** Ticks whose runs all ended (none queued or active). */
  ticksFinished: number;
}

/** What a claimed backfill comes to: the runs to store, and the state it moves to (null: it stays running). */
export interface BackfillOutcome {
  executions: Execution[];
  state: Exclude<BackfillState, 'running'> | null;
  /** What the change of state reports, stored with it. */
  events: NewEvent[];
}

export interface BackfillRepository {
  /** Stores a new backfill with the ticks it runs, oldest first. */
  insert(backfill: Backfill, ticks: Date[]): Promise<void>;
  find(id: string): Promise<BackfillProgress | undefined>;
  /** The job's backfills, newest first. */
  listForJob(jobId: string): Promise<BackfillProgress[]>;
  /**
   * For each tick in [from, to] that has a run of the job that is not SKIPPED: the status of its newest run (the
   * highest attempt), keyed by the tick's epoch milliseconds.
   */
  newestRunsAt(jobId: string, from: Date, to: Date): Promise<Map<number, ExecutionStatus>>;
  /** Moves a backfill from `from` to `to`; false when it was not in `from` (anymore). */
  changeState(id: string, from: BackfillState, to: BackfillState, now: Date): Promise<boolean>;
  /**
   * In one transaction: locks up to `limit` running backfills that no other instance has locked, asks `decide`
   * what each comes to, and stores the runs it asks for (PENDING, driven by this instance, `trigger: backfill`, not
   * exclusive) with their events, and the new states. A tick that a unique index refuses (a run of the same
   * attempt stored meanwhile) is left for the next claim. Resolves with the runs stored.
   */
  claimRunning(limit: number, decide: (claim: BackfillClaim) => BackfillOutcome): Promise<Execution[]>;
}
