import type { Logger } from 'pino';
import type { Execution } from '../domain/entities/execution.js';
import type { Job } from '../domain/entities/job.js';
import type { ExecutionDispatcher } from '../domain/ports/output/execution-dispatcher.js';
import type { ExecutionRepository } from '../domain/ports/output/execution-repository.js';
import type { ExecutionRunner } from '../domain/services/execution-runner.js';

/**
 * Runs the runner's work in the background of this process: launches of new runs, follow-ups of runs Flink has
 * (every `pollIntervalMs` for each active run, and at once when asked), and the recovery of unfinished runs at
 * start-up. At most one task per run at a time; `stop` waits (bounded) for the tasks under way.
 */
export class ExecutionWorker implements ExecutionDispatcher {
  private readonly busy = new Map<string, Promise<void>>();
  /** Runs asked for a follow-up while one was under way get one more right after it. */
  private readonly followUpAgain = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly runner: ExecutionRunner,
    private readonly executions: ExecutionRepository,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
  ) {}

  launch(executionId: string, started?: { execution: Execution; job: Job }): void {
    this.run(executionId, 'launch', () => this.runner.launch(executionId, started));
  }

  followUp(executionId: string): void {
    if (this.busy.has(executionId)) {
      this.followUpAgain.add(executionId);
      return;
    }
    this.run(executionId, 'follow-up', () => this.runner.followUp(executionId));
  }

  async start(): Promise<void> {
    const { launched, followed } = await this.runner.recover();
    if (launched.length + followed.length > 0) {
      this.logger.info({ launched, followed }, 'resuming runs left unfinished by an earlier process');
    }
    for (const id of launched) this.launch(id);
    for (const id of followed) this.followUp(id);
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits up to `timeoutMs` for tasks under way; what is left is resumed at the next start. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.busy.values()]),
      new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timeout);
  }

  /** Resolves once no task is under way (tests use it to wait for the background to settle). */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy.values()]);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const execution of await this.executions.findActive()) {
        if (execution.status === 'RUNNING' || execution.status === 'STOPPING') this.followUp(execution.id);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not list active runs; will try again at the next poll');
    } finally {
      this.polling = false;
    }
  }

  private run(executionId: string, what: string, task: () => Promise<void>): void {
    if (this.stopped) return;
    const previous = this.busy.get(executionId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch((error: unknown) => this.logger.error({ err: error, executionId }, `run ${what} failed`))
      .finally(() => {
        if (this.busy.get(executionId) !== next) return;
        this.busy.delete(executionId);
        if (this.followUpAgain.delete(executionId)) this.followUp(executionId);
      });
    this.busy.set(executionId, next);
  }
}
