import type { Logger } from 'pino';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { QueuedExecutions } from '../domain/ports/input/queued-executions.js';
import type { Clock } from '../domain/ports/output/clock.js';
import { WakeableLoop } from './wakeable-loop.js';

/** How soon to look again at ticks that are due but locked by another instance. */
const RECHECK_MS = 20;

/**
 * Fires due ticks: sleeps until the earliest due tick (never longer than `pollIntervalMs`), claims what is due, and
 * hands the new executions to the queue to launch; then starts the queued ones whose turn has come (retries,
 * buffered ticks).
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
    let delay = this.pollIntervalMs;
    try {
      // A full batch may mean more is due: claim again straight away.
      for (let claimed = await this.fire(); claimed > 0 && !this.stopping; claimed = await this.fire());
      // Still due now means another instance holds it (or died holding it: its locks go with its connection).
      const next = await this.schedules.nextDueAt();
      if (next) delay = Math.max(RECHECK_MS, Math.min(delay, next.getTime() - this.clock.now().getTime()));
    } catch (error) {
      this.logger.warn({ err: error }, 'firing due ticks failed; trying again at the next round');
    }
    try {
      const started = await this.queue.startDue();
      if (started.length > 0 && this.logger.isLevelEnabled('info')) {
        this.logger.info({ executions: started.map((e) => ({ id: e.id, jobId: e.jobId, trigger: e.trigger })) }, 'queued executions started');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'starting queued executions failed; trying again at the next round');
    }
    return delay;
  }

  /** Claims one batch of due ticks; resolves with how many executions it recorded. */
  private async fire(): Promise<number> {
    const executions = await this.schedules.fireDueTicks();
    const stored = this.clock.now().getTime();
    for (const { scheduledFor } of executions) if (scheduledFor) this.fireLateness.observe((stored - scheduledFor.getTime()) / 1000);
    this.queue.startFired(executions);
    if (executions.length > 0 && this.logger.isLevelEnabled('info')) {
      this.logger.info(
        { executions: executions.map((e) => ({ id: e.id, jobId: e.jobId, scheduledFor: e.scheduledFor, status: e.status })) },
        'scheduled ticks fired',
      );
    }
    return executions.length;
  }
}
