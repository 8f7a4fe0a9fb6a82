import type { AuditContext } from '../entities/audit.js';
import {
  MAX_BACKFILL_TICKS,
  nextBackfillStep,
  rangeTicks,
  ticksToRun,
  type Backfill,
  type BackfillClaim,
  type BackfillRequest,
} from '../entities/backfill.js';
import { backfillEvent } from '../entities/event.js';
import { newExecution, type Execution } from '../entities/execution.js';
import { isEntityId } from '../entities/ids.js';
import type { Job } from '../entities/job.js';
import {
  BackfillEndedError,
  BackfillNeedsScheduleError,
  BackfillNotFoundError,
  BackfillTooLargeError,
  InvalidBackfillError,
} from '../backfill-errors.js';
import { JobNotFoundError } from '../errors.js';
import type { BackfillPlan, BackfillRuns, JobBackfills } from '../ports/input/job-backfills.js';
import type { BackfillOutcome, BackfillProgress, BackfillRepository } from '../ports/output/backfill-repository.js';
import type { Clock } from '../ports/output/clock.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { ScheduleChangeSignal } from '../ports/output/schedule-change-signal.js';
import type { ScheduleRepository } from '../ports/output/schedule-repository.js';
import type { AuditedChanges } from './change-records.js';
import { requireLiveJob } from './live-job.js';

/** How many running backfills one claim transaction takes at most. */
const CLAIM_BATCH = 20;

/**
 * Backfills: a job's past ticks run again, at most `maxActive` at once, oldest first. The ticks are decided at
 * creation; the scheduler loop of any instance then creates their runs as slots free up (see `advanceBackfills`).
 * Backfill runs are not exclusive: they neither wait for nor hold the job's one active slot, so the schedule's
 * overlap policy neither blocks them nor is blocked by them.
 */
export class BackfillService implements JobBackfills, BackfillRuns {
  constructor(
    private readonly jobs: JobRepository,
    private readonly schedules: ScheduleRepository,
    private readonly backfills: BackfillRepository,
    private readonly audited: AuditedChanges,
    private readonly cron: CronCalculator,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Wakes every instance's scheduler loop, which creates backfill runs too. */
    private readonly wake: ScheduleChangeSignal,
  ) {}

  async createBackfill(jobId: string, request: BackfillRequest, audit: AuditContext): Promise<BackfillPlan> {
    const job = await requireLiveJob(this.jobs, jobId);
    const now = this.clock.now();
    const ticks = await this.plan(job, request, now);
    if (request.dryRun) return { ticks, progress: null };
    const backfill: Backfill = {
      id: this.ids.newId(),
      jobId,
      from: request.from,
      to: request.to,
      reprocess: request.reprocess,
      maxActive: request.maxActive,
      tickCount: ticks.length,
      state: ticks.length === 0 ? 'completed' : 'running',
      requestedBy: audit.actor.name,
      createdAt: now,
      updatedAt: now,
    };
    const events = [backfillEvent('backfill.created', backfill, now)];
    if (backfill.state === 'completed') events.push(backfillEvent('backfill.completed', backfill, now));
    await this.audited.run(audit, ({ backfills }) => backfills.insert(backfill, ticks), () => ({
      resourceId: jobId,
      versionBefore: job.version,
      versionAfter: job.version,
      events,
    }));
    await this.wake.announce(jobId).catch(() => undefined);
    return { ticks, progress: { backfill, runs: {}, ticksStarted: 0, ticksFinished: 0 } };
  }

  async listBackfills(jobId: string): Promise<BackfillProgress[]> {
    if (!isEntityId(jobId) || !(await this.jobs.everExisted(jobId))) throw new JobNotFoundError(jobId);
    return this.backfills.listForJob(jobId);
  }

  async getBackfill(backfillId: string): Promise<BackfillProgress> {
    const found = isEntityId(backfillId) ? await this.backfills.find(backfillId) : undefined;
    if (!found) throw new BackfillNotFoundError(backfillId);
    return found;
  }

  async cancelBackfill(backfillId: string, audit: AuditContext): Promise<BackfillProgress> {
    const { backfill } = await this.getBackfill(backfillId);
    if (backfill.state === 'completed') throw new BackfillEndedError(backfillId, backfill.state);
    if (backfill.state === 'running') {
      const now = this.clock.now();
      const event = backfillEvent('backfill.cancelled', { ...backfill, state: 'cancelled', updatedAt: now }, now);
      const record = { resourceId: backfillId, versionBefore: null, versionAfter: null, events: [event] };
      const cancelled = await this.audited.run(
        audit,
        ({ backfills }) => backfills.changeState(backfillId, 'running', 'cancelled', now),
        (changed) => (changed ? record : undefined),
      );
      // Completed meanwhile by a claim: nothing was left to cancel.
      if (!cancelled) throw new BackfillEndedError(backfillId, 'completed');
    }
    return this.getBackfill(backfillId);
  }

  advanceBackfills(): Promise<Execution[]> {
    return this.backfills.claimRunning(CLAIM_BATCH, (claim) => this.decide(claim));
  }

  /** The runs a claimed backfill stores now, PENDING, each the next attempt at its tick. */
  private decide(claim: BackfillClaim): BackfillOutcome {
    const { runs, state } = nextBackfillStep(claim);
    const now = this.clock.now();
    const executions = runs.map(({ tick, attempt }) =>
      newExecution({
        id: this.ids.newId(),
        jobId: claim.backfill.jobId,
        trigger: 'backfill',
        attempt,
        scheduledFor: tick,
        backfillId: claim.backfill.id,
        requestedBy: claim.backfill.requestedBy,
        jobVersion: claim.jobVersion,
        now,
      }),
    );
    const events = state ? [backfillEvent(`backfill.${state}`, { ...claim.backfill, state, updatedAt: now }, now)] : [];
    return { executions, state, events };
  }

  /** The ticks the backfill runs, up to now; refuses a job without schedule, and a range that is backwards or too large. */
  private async plan(job: Job, request: BackfillRequest, now: Date): Promise<Date[]> {
    const schedule = await this.schedules.find(job.id);
    if (!schedule) throw new BackfillNeedsScheduleError(job.id);
    if (request.to <= request.from) throw new InvalidBackfillError('to', 'must be after from');
    // A backfill runs past ticks: those still to come are the schedule's.
    const until = request.to > now ? now : request.to;
    const range = rangeTicks(this.cron, schedule, request.from, until);
    if (!range.exact || range.count > MAX_BACKFILL_TICKS) {
      throw new BackfillTooLargeError(range.count, range.exact, MAX_BACKFILL_TICKS);
    }
    if (request.reprocess === 'all') return range.ticks;
    const newest = await this.backfills.newestRunsAt(job.id, request.from, until);
    return ticksToRun(range.ticks, newest, request.reprocess);
  }
}
