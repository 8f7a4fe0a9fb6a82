import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { LeasedExecutions } from '../domain/ports/input/leased-executions.js';
import type { TaskQueue } from './background-tasks.js';

/**
 * Drives this instance's executions in the background: every `pollIntervalMs` (and once at start, which resumes
 * what an earlier process left unfinished) a lease round renews, takes over and moves each held execution a step
 * on; the launches and follow-ups it asks for run on the task queue. `stop` waits (bounded) for the tasks under
 * way and hands the leases back.
 */
export class ExecutionWorker {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly leases: LeasedExecutions,
    private readonly tasks: TaskQueue,
    private readonly logger: Logger,
    /** Well under a lease's lifetime, so that a live instance never loses one. */
    private readonly pollIntervalMs: number,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** Stops polling, waits up to `timeoutMs` for tasks under way, then gives the leases up for others to take. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    await Promise.race([this.polling, delay(timeoutMs, undefined, { ref: false })]);
    await this.tasks.stop(Math.max(0, deadline - Date.now()));
    await this.leases
      .release()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not hand the execution leases back; they run out'));
  }

  private poll(): Promise<void> {
    if (this.polling || this.stopped) return this.polling ?? Promise.resolve();
    this.polling = (async () => {
      try {
        const takenOver = await this.leases.renew();
        if (takenOver.length > 0) {
          this.logger.info(
            { executions: takenOver.map((execution) => ({ id: execution.id, status: execution.status })) },
            'taking over executions no live instance holds (left by an earlier process, or an instance that died)',
          );
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'could not renew execution leases; will try again at the next poll');
      }
    })();
    return this.polling.finally(() => (this.polling = undefined));
  }
}
