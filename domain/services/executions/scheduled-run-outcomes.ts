import { deadlineNewlyMissed, type Execution } from '../../entities/execution.js';
import { scheduleEvent } from '../../entities/event.js';
import { MAX_ATTEMPTS_LIMIT } from '../../entities/retry-policy.js';
import { afterScheduledRun, type ScheduledRunEnd } from '../../entities/schedule-controls.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { TransactionRepositories, UnitOfWork } from '../../ports/output/unit-of-work.js';
import { scheduleView } from '../schedule-view.js';

/** The repositories a run's save and what it tells its schedule go through: one transaction's. */
type RunWrites = Pick<TransactionRepositories, 'executions' | 'schedules'>;

/**
 * What scheduled runs tell their schedule: a deadline missed (counted), and how they ended (failures in a row
 * pause it, see `afterScheduledRun`). Called by whoever drives the run, so by one instance per run; what the
 * schedule is told commits with the save of the run that tells it, so a crash between the two cannot lose a count.
 */
export class ScheduledRunOutcomes {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Marks a run still going past its deadline, and counts it on its schedule; resolves with the run as it is now
   * (as read again when another writer saved it first: the next follow-up looks again).
   */
  async checkDeadline(execution: Execution): Promise<Execution | undefined> {
    if (!deadlineNewlyMissed(execution, this.clock.now())) return execution;
    const marked = await this.unitOfWork.transaction(async (tx) => {
      const saved = await tx.executions.save({ ...execution, deadlineMissed: true });
      if (saved) await this.tell(tx, saved, { executionId: saved.id, outcome: null, deadlineMissed: true });
      return saved;
    });
    return marked ?? this.executions.findById(execution.id);
  }

  /** The run as it ends: marked when it ends after its deadline unmarked (not stored yet). */
  withDeadlineChecked(ended: Execution): Execution {
    return deadlineNewlyMissed(ended, this.clock.now()) ? { ...ended, deadlineMissed: true } : ended;
  }

  /**
   * Saves the end of a run through `save` and tells its schedule how it ended (`before`: the run as it was before),
   * together: in one transaction, or in the save's own statement when that is all the schedule is told. Resolves
   * with what `save` resolved with: nothing is told when it saved nothing.
   */
  saveEnd(
    before: Execution,
    ended: Execution,
    retried: boolean,
    save: (executions: ExecutionRepository, options?: { endFailureStreak: true }) => Promise<Execution | undefined>,
  ): Promise<Execution | undefined> {
    const outcome = ended.status === 'SUCCEEDED' ? 'succeeded' : ended.status === 'FAILED' && !retried ? 'failed' : null;
    const end = { executionId: ended.id, outcome, deadlineMissed: ended.deadlineMissed && !before.deadlineMissed } as const;
    // Nothing to tell (a manual run's end is not its schedule's, see isScheduleRun): the save alone. The usual end of
    // a tick's run, a success in time: the save ends the schedule's failure streak, if it has one, in the same
    // statement. Either is one write, with no transaction around it.
    const mayBeTold = ended.trigger === 'schedule' || ended.trigger === 'retry';
    if ((!end.outcome && !end.deadlineMissed) || !mayBeTold) return save(this.executions);
    if (end.outcome === 'succeeded' && !end.deadlineMissed && ended.trigger === 'schedule') {
      return save(this.executions, { endFailureStreak: true });
    }
    return this.unitOfWork.transaction(async (tx) => {
      const saved = await save(tx.executions);
      if (saved) await this.tell(tx, saved, end);
      return saved;
    });
  }

  /** A schedule's runs only: manual and backfill runs (and their retries) are not its own. */
  private async tell(tx: RunWrites, execution: Execution, end: ScheduledRunEnd): Promise<void> {
    if ((!end.outcome && !end.deadlineMissed) || !(await this.isScheduleRun(tx.executions, execution))) return;
    // The usual end: a success in time changes nothing but a streak of failures, when there was one.
    if (end.outcome === 'succeeded' && !end.deadlineMissed) return tx.schedules.endFailureStreak(execution.jobId);
    const now = this.clock.now();
    await tx.schedules.update(execution.jobId, (schedule) => {
      const { schedule: changed, pausedNow } = afterScheduledRun(schedule, end, now);
      // Paused: no next run times to compute.
      const events = pausedNow ? [scheduleEvent('schedule.paused', scheduleView(() => [], changed, now), now)] : [];
      return { schedule: changed, events };
    });
  }

  /**
   * Whether the run is a tick of its job's schedule, or a retry of one. Every run carries a `scheduledFor` (a manual
   * run its start time), so what tells is how the first attempt came about.
   */
  private async isScheduleRun(executions: ExecutionRepository, execution: Execution): Promise<boolean> {
    let run: Execution | undefined = execution;
    // A retry names the run it retries; a chain is at most MAX_ATTEMPTS_LIMIT long.
    for (let hops = 0; run?.trigger === 'retry' && run.retryOf && hops <= MAX_ATTEMPTS_LIMIT; hops++) {
      run = await executions.findById(run.retryOf);
    }
    return run?.trigger === 'schedule';
  }
}
