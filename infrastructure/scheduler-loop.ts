import type { Logger } from 'pino';
import type { BackfillRuns } from '../domain/ports/input/job-backfills.js';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { UpgradeProgress } from '../domain/ports/input/job-upgrades.js';
import type { QueuedExecutions } from '../domain/ports/input/queued-executions.js';
import type { Clock } from '../domain/ports/output/clock.js';
import type { Execution } from '../domain/entities/execution.js';
import { WakeableLoop } from './wakeable-loop.js';

/** How soon to look again at ticks that are due but locked by another instance. */
const RECHECK_MS = 20;

/**
 * How many claims run at once. Each is one transaction on a connection of its own (SKIP LOCKED keeps their rows
 * apart): while the database stores one claim's runs, this process decides the next claim's ticks.
 */
const PARALLEL_CLAIMS = 2;

/**
 * Claim sizes: the first claim of a round is small, so the first runs of a herd are stored soon; each further one
 * is twice as large, up to the last size, so a large herd pays the fixed cost of a transaction (its round trips,
 * its commit) a few times, not once per hundred ticks.
 */
const FIRST_CLAIM = 100;
const LARGEST_CLAIM = 1600;

/**
 * Fires due ticks: sleeps until the earliest due tick (never longer than `pollIntervalMs`), claims what is due, and
 * hands the new executions to the queue to launch, with the next runs of running backfills; moves upgrades in
 * progress on by a step; then starts the queued ones whose turn has come (retries, buffered ticks).
 * A schedule change on any replica wakes it at once (`wake`, on the database's notification); the poll is the
 * safety net. Croner only computes times; which tick is due, and who handles it, lives in the database.
 */
export class SchedulerLoop {
  private readonly loop = new WakeableLoop(() => this.round());
  private stopping = false;

  constructor(
    private readonly schedules: JobSchedules,
    private readonly queue: QueuedExecutions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
    /** Where each fired tick's lateness goes, in seconds: the tick's execution stored, minus the tick. */
    private readonly fireLateness: { observe(seconds: number): void },
    private readonly backfills: BackfillRuns,
    private readonly upgrades: UpgradeProgress,
  ) {}

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  /** Looks for due ticks now (after a schedule change on this instance, for instance). */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /** One round: fire what is due, start what is queued; resolves with how long to wait before the next. */
  private async round(): Promise<number> {
    // The next tick's due time, kept as a time: the steps after the claims take time too, and the tick does not
    // wait for them. Undefined: nothing is due, wait the poll interval.
    let dueAt: number | undefined;
    const fired: Execution[] = [];
    try {
      // Every claimer is waited for, even after one failed: what the others recorded is launched below.
      const claimers = await Promise.allSettled(Array.from({ length: PARALLEL_CLAIMS }, () => this.fireAllDue(fired)));
      const failed = claimers.find((claimer) => claimer.status === 'rejected');
      if (failed) throw failed.reason;
      // Still due now means another instance holds it (or died holding it: its locks go with its connection).
      const next = await this.schedules.nextDueAt();
      if (next) dueAt = Math.max(next.getTime(), this.clock.now().getTime() + RECHECK_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'firing due ticks failed; trying again at the next round');
    }
    await this.advanceBackfills(fired);
    await this.upgrades.advanceUpgrades().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'advancing upgrades failed; trying again at the next round');
    });
    // Launched once every due tick is recorded: a herd's launches would otherwise slow its later claims down.
    await this.queue.startFired(fired);
    try {
      const started = await this.queue.startDue();
      if (started.length > 0 && this.logger.isLevelEnabled('info')) {
        this.logger.info({ executions: started.map((e) => ({ id: e.id, jobId: e.jobId, trigger: e.trigger })) }, 'queued executions started');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'starting queued executions failed; trying again at the next round');
    }
    if (dueAt === undefined) return this.pollIntervalMs;
    return Math.min(this.pollIntervalMs, Math.max(0, dueAt - this.clock.now().getTime()));
  }

  /** Stores the next runs of running backfills whose runs left slots free, adding them to `fired`. */
  private async advanceBackfills(fired: Execution[]): Promise<void> {
    try {
      const runs = await this.backfills.advanceBackfills();
      fired.push(...runs);
      if (runs.length > 0 && this.logger.isLevelEnabled('info')) {
        this.logger.info(
          { executions: runs.map((e) => ({ id: e.id, jobId: e.jobId, backfillId: e.backfillId, scheduledFor: e.scheduledFor })) },
          'backfill runs created',
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'advancing backfills failed; trying again at the next round');
    }
  }

  /** Claims batch after batch of due ticks until none is left, adding the executions recorded to `fired`. */
  private async fireAllDue(fired: Execution[]): Promise<void> {
    // A batch with runs may mean more is due: claim again straight away.
    for (let limit = FIRST_CLAIM; !this.stopping; limit = Math.min(2 * limit, LARGEST_CLAIM)) {
      if ((await this.fire(fired, limit)) === 0) return;
    }
  }

  /** Claims up to `limit` due ticks, adding the executions recorded to `fired`; resolves with how many there were. */
  private async fire(fired: Execution[], limit: number): Promise<number> {
    const executions = await this.schedules.fireDueTicks(limit);
    const stored = this.clock.now().getTime();
    for (const { scheduledFor } of executions) if (scheduledFor) this.fireLateness.observe((stored - scheduledFor.getTime()) / 1000);
    fired.push(...executions);
    if (executions.length > 0 && this.logger.isLevelEnabled('info')) {
      this.logger.info(
        { executions: executions.map((e) => ({ id: e.id, jobId: e.jobId, scheduledFor: e.scheduledFor, status: e.status })) },
        'scheduled ticks fired',
      );
    }
    return executions.length;
  }
}
