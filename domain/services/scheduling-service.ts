import { newExecution, skippedExecution, type Execution } from '../entities/execution.js';
import type { AuditContext } from '../entities/audit.js';
import { scheduleEvent, type NewEvent } from '../entities/event.js';
import { isEntityId } from '../entities/ids.js';
import type { Job } from '../entities/job.js';
import {
  createSchedule,
  jitterFor,
  overlapAction,
  pauseSchedule,
  resumeSchedule,
  type Schedule,
  type ScheduleDefinition,
} from '../entities/schedule.js';
import { runStarted } from '../entities/schedule-controls.js';
import { catchUp } from '../entities/catch-up.js';
import { InvalidScheduleError, JobNotFoundError, ScheduleAlreadyTriggeredError, ScheduleNotFoundError } from '../errors.js';
import type { JobSchedules, ScheduleView } from '../ports/input/job-schedules.js';
import type { QueuedExecutions } from '../ports/input/queued-executions.js';
import type { Clock } from '../ports/output/clock.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { ScheduleChangeSignal } from '../ports/output/schedule-change-signal.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { DueTick, ScheduleRepository, TickOutcome } from '../ports/output/schedule-repository.js';
import type { AuditedChanges } from './change-records.js';
import { requireLiveJob } from './live-job.js';
import { computedRunTimes, scheduleView } from './schedule-view.js';

/** How many due schedules one claim transaction takes at most, unless told otherwise. */
const CLAIM_BATCH = 200;

export class SchedulingService implements JobSchedules {
  constructor(
    private readonly jobs: JobRepository,
    private readonly schedules: ScheduleRepository,
    private readonly audited: AuditedChanges,
    private readonly cron: CronCalculator,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly changes: ScheduleChangeSignal,
    /** Launches the run a trigger stored at once, as the scheduler loop does a tick's. */
    private readonly launcher: Pick<QueuedExecutions, 'startFired'>,
  ) {}

  async setSchedule(jobId: string, definition: ScheduleDefinition, audit: AuditContext): Promise<ScheduleView> {
    const job = await this.requireJob(jobId);
    const problem = this.cron.problemWith(definition.cron, definition.timezone);
    if (problem) {
      throw new InvalidScheduleError(/time zone/.test(problem) ? 'timezone' : 'cron', problem);
    }
    if (definition.startAt && definition.endAt && definition.endAt <= definition.startAt) {
      throw new InvalidScheduleError('endAt', 'must be after startAt');
    }
    const now = this.clock.now();
    const current = await this.schedules.find(jobId);
    const fresh = createSchedule(this.cron, jobId, definition, now);
    const schedule: Schedule = current
      ? { ...fresh, ...keptOnReplace(current), version: current.version + 1 }
      : fresh;
    await this.save(audit, job, schedule);
    return this.view(schedule, now);
  }

  async getSchedule(jobId: string): Promise<ScheduleView> {
    return this.view((await this.requireSchedule(jobId)).schedule, this.clock.now());
  }

  async deleteSchedule(jobId: string, audit: AuditContext): Promise<void> {
    const job = await this.requireJob(jobId);
    await this.audited.aboutJob(audit, job, async ({ schedules }) => {
      if (!(await schedules.remove(jobId))) throw new ScheduleNotFoundError(jobId);
    });
    await this.announce(jobId);
  }

  async pauseSchedule(jobId: string, note: string | undefined, audit: AuditContext): Promise<ScheduleView> {
    const now = this.clock.now();
    const { job, schedule } = await this.requireSchedule(jobId);
    const paused = pauseSchedule(schedule, note, now);
    const view = this.view(paused, now);
    await this.save(audit, job, paused, [scheduleEvent('schedule.paused', view, now)]);
    return view;
  }

  async triggerSchedule(jobId: string, audit: AuditContext): Promise<Execution> {
    const { job } = await this.requireSchedule(jobId);
    const now = this.clock.now();
    const execution = await this.audited.aboutJob(audit, job, async ({ schedules }) => {
      const fired = await schedules.fireNow(jobId, (tick) => this.triggered(tick, now, audit.actor.name));
      if (!fired) throw new ScheduleNotFoundError(jobId);
      // None stored: this very millisecond's tick has its run already (the one-run-per-tick index). Throwing rolls
      // the schedule's counters back with it.
      if (!fired[0]) throw new ScheduleAlreadyTriggeredError(jobId, now);
      return fired[0];
    });
    await this.launcher.startFired([execution]);
    await this.announce(jobId);
    return execution;
  }

  /** A trigger is a tick at `now` that leaves the schedule's own ticks alone (paused or not). */
  private triggered(tick: DueTick, now: Date, requestedBy: string): TickOutcome {
    const fired = this.fire(tick, now, now, requestedBy);
    const schedule = { ...fired.schedule, lastFireAt: now };
    return { schedule, executions: fired.executions, nextDueAt: this.dueAt(schedule), missed: null };
  }

  async resumeSchedule(jobId: string, audit: AuditContext): Promise<ScheduleView> {
    const now = this.clock.now();
    const { job, schedule } = await this.requireSchedule(jobId);
    // Ticks that fell in the pause are neither run nor counted as missed: the next tick is computed from now.
    const resumed = schedule.paused ? resumeSchedule(this.cron, schedule, now) : schedule;
    const view = this.view(resumed, now);
    await this.save(audit, job, resumed, schedule.paused ? [scheduleEvent('schedule.resumed', view, now)] : []);
    return view;
  }

  /** Stores the schedule with the request's audit row and its events, then tells every instance's scheduler. */
  private async save(audit: AuditContext, job: Job, schedule: Schedule, events: NewEvent[] = []): Promise<void> {
    await this.audited.aboutJob(audit, job, ({ schedules }) => schedules.save(schedule, this.dueAt(schedule)), events);
    await this.announce(job.id);
  }

  async schedulesFor(jobIds: string[]): Promise<Map<string, ScheduleView>> {
    const now = this.clock.now();
    const found = await this.schedules.findMany(jobIds.filter(isEntityId));
    return new Map([...found].map(([jobId, schedule]) => [jobId, this.view(schedule, now)]));
  }

  async fireDueTicks(limit = CLAIM_BATCH): Promise<Execution[]> {
    const now = this.clock.now();
    return this.schedules.claimDue(now, limit, (tick) => this.decide(tick, now));
  }

  nextDueAt(): Promise<Date | null> {
    return this.schedules.nextDueAt();
  }

  /**
   * What a due tick comes to: the latest due tick, if it is within the catch-up window, runs as the overlap
   * policy says (see `fire`); older due ticks are counted as missed.
   */
  private decide(tick: DueTick, now: Date): TickOutcome {
    const { schedule } = tick;
    const outcome = catchUp(this.cron, schedule, schedule.nextFireAt ?? now, now);
    const caughtUp: Schedule = {
      ...schedule,
      nextFireAt: outcome.nextFireAt,
      lastFireAt: outcome.fire ?? schedule.lastFireAt,
      counters: { ...schedule.counters, ticksMissed: schedule.counters.ticksMissed + outcome.missed },
    };
    const fired = outcome.fire ? this.fire({ ...tick, schedule: caughtUp }, outcome.fire, now) : { schedule: caughtUp, executions: [] };
    const missed = outcome.missed > 0
      ? { count: outcome.missed, exact: outcome.missedExact, from: schedule.nextFireAt ?? now, until: now }
      : null;
    return { ...fired, nextDueAt: this.dueAt(fired.schedule), missed };
  }

  /**
   * The run of a tick at `at`, as the overlap policy says (see `overlapAction`): at once, queued behind the active
   * run, queued to replace it, or recorded SKIPPED. A run that starts uses up one of the remaining runs; the last
   * one ends the schedule, with a schedule.ended event stored with the run.
   */
  private fire(
    { schedule, activeExecutions, waitingExecutions, jobVersion }: DueTick,
    at: Date,
    now: Date,
    requestedBy?: string,
  ): Pick<TickOutcome, 'schedule' | 'executions'> {
    const common = { id: this.ids.newId(), jobId: schedule.jobId, scheduledFor: at, jobVersion, now };
    const action = overlapAction(schedule.overlapPolicy, activeExecutions, waitingExecutions);
    if (action === 'skip') {
      const reason = { code: 'OVERLAP', message: 'A run of the job was still active or waiting at this tick' };
      const counters = { ...schedule.counters, ticksSkipped: schedule.counters.ticksSkipped + 1 };
      return { schedule: { ...schedule, counters }, executions: [{ execution: skippedExecution({ ...common, reason }), exclusive: false }] };
    }
    const queue = action === 'start' ? null : { notBefore: null, stopActive: action === 'cancel-then-start' };
    const deadlineAt = schedule.deadlineSeconds ? new Date(at.getTime() + schedule.deadlineSeconds * 1000) : null;
    const execution = newExecution({ ...common, trigger: 'schedule', queue, deadlineAt, requestedBy });
    const started = runStarted(schedule);
    const endedNow = started.remainingRuns === 0 && schedule.remainingRuns !== 0;
    const events = endedNow ? [scheduleEvent('schedule.ended', this.view(started, now), now)] : [];
    return { schedule: started, executions: [{ execution, exclusive: schedule.overlapPolicy !== 'allow', events }] };
  }

  /** Every instance's scheduler looks again now. The change is stored already: polling covers a lost signal. */
  private async announce(jobId: string): Promise<void> {
    await this.changes.announce(jobId).catch(() => undefined);
  }

  /** When the schedule's next tick is due: the tick plus its jitter, the same on every replica. */
  private dueAt(schedule: Schedule): Date | null {
    if (!schedule.nextFireAt) return null;
    return new Date(schedule.nextFireAt.getTime() + jitterFor(schedule.jobId, schedule.nextFireAt, schedule.jitterSeconds));
  }

  private view(schedule: Schedule, now: Date): ScheduleView {
    return scheduleView(computedRunTimes(this.cron), schedule, now);
  }

  private requireJob(jobId: string): Promise<Job> {
    return requireLiveJob(this.jobs, jobId);
  }

  private async requireSchedule(jobId: string): Promise<{ job: Job; schedule: Schedule }> {
    const job = await this.requireJob(jobId);
    const schedule = await this.schedules.find(jobId);
    if (!schedule) throw new ScheduleNotFoundError(jobId);
    return { job, schedule };
  }
}

/** What a replaced schedule keeps of the one it replaces: what it did so far. */
function keptOnReplace(current: Schedule): Pick<Schedule, 'counters' | 'failureStreak' | 'lastFireAt' | 'createdAt'> {
  return { counters: current.counters, failureStreak: current.failureStreak, lastFireAt: current.lastFireAt, createdAt: current.createdAt };
}
