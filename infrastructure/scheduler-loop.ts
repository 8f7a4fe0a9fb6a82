import type { Logger } from 'pino';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { QueuedExecutions } from '../domain/ports/input/queued-executions.js';
import type { Clock } from '../domain/ports/output/clock.js';

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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** A wake that came while a round was under way: the next round starts right after it. */
  private wokenDuringRound = false;

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
    this.stopped = false;
    this.wake();
  }

  /** Looks for due ticks now (after a schedule change on this instance, for instance). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenDuringRound = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    if (this.running || this.stopped) return;
    let delay = this.pollIntervalMs;
    this.running = (async () => {
      try {
        // A full batch may mean more is due: claim again straight away.
        for (let claimed = await this.fire(); claimed > 0 && !this.stopped; claimed = await this.fire());
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
    })();
    await this.running;
    this.running = undefined;
    if (this.wokenDuringRound) {
      this.wokenDuringRound = false;
      delay = 0;
    }
    if (!this.stopped) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.round(), delay);
      this.timer.unref();
    }
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
