import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BackgroundTasks } from '../domain/ports/output/background-tasks.js';

/**
 * How many tasks run at once. A herd of ticks would otherwise start hundreds of launches together, each holding a
 * database connection in turn, and starve the scheduler's claims of the pool; the rest wait their turn.
 */
const MAX_CONCURRENT_TASKS = 8;

/**
 * Runs the domain's background tasks in this process: one at a time per key (an execution id), at most
 * MAX_CONCURRENT_TASKS in all. A task that fails is logged; it never stops the others.
 */
export class TaskQueue implements BackgroundTasks {
  private readonly busy = new Map<string, Promise<void>>();
  private stopped = false;
  private running = 0;
  /** Tasks given that have not begun (waiting for their key's previous task, or for a slot). */
  private notBegun = 0;
  private readonly waitingForSlot: (() => void)[] = [];

  constructor(private readonly logger: Logger) {}

  run(key: string, what: string, task: () => Promise<void>): void {
    if (this.stopped) return;
    const previous = this.busy.get(key) ?? Promise.resolve();
    this.notBegun += 1;
    const next = previous
      .then(() => this.inSlot(task))
      .catch((error: unknown) => this.logger.error({ err: error, executionId: key }, `execution ${what} failed`))
      .finally(() => {
        if (this.busy.get(key) === next) this.busy.delete(key);
      });
    this.busy.set(key, next);
  }

  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  backlog(): number {
    return this.notBegun;
  }

  /** Takes no more tasks and waits up to `timeoutMs` for the ones under way. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.allSettled([...this.busy.values()]), delay(timeoutMs, undefined, { ref: false })]);
  }

  /** Resolves once no task is under way (tests use it to wait for the background to settle). */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy.values()]);
  }

  /** Runs `task` once fewer than MAX_CONCURRENT_TASKS are under way; a finished task hands its slot on. */
  private async inSlot(task: () => Promise<void>): Promise<void> {
    if (this.running < MAX_CONCURRENT_TASKS) this.running += 1;
    else await new Promise<void>((resolve) => this.waitingForSlot.push(resolve));
    this.notBegun -= 1;
    try {
      await task();
    } finally {
      const next = this.waitingForSlot.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
