import type { Logger } from 'pino';
import type { Execution } from '../domain/entities/execution.js';
import type { Job } from '../domain/entities/job.js';
import type { ExecutionDispatcher } from '../domain/ports/output/execution-dispatcher.js';
import type { ExecutionRepository } from '../domain/ports/output/execution-repository.js';
import { resumeStep, type ExecutionRunner } from '../domain/services/execution-runner.js';

/** How many runs one lease round takes over at most. */
const TAKE_OVER_BATCH = 100;
/**
 * How many launches and follow-ups run at once. A herd of ticks would otherwise start hundreds together, each
 * holding a database connection in turn, and starve the scheduler's claims of the pool; the rest wait their turn.
 */
const MAX_CONCURRENT_TASKS = 8;

/**
 * Runs the runner's work in the background of this process: launches of new runs and follow-ups of runs Flink has
 * (every `pollIntervalMs`, and at once when asked). Each active run is driven by one instance, the one holding its
 * lease: every round renews this instance's leases and takes over the runs whose instance stopped renewing
 * (it died, or shut down) — at start-up too, which resumes what an earlier process left unfinished. At most one
 * task per run at a time; `stop` waits (bounded) for the tasks under way and hands the leases back.
 */
export class ExecutionWorker implements ExecutionDispatcher {
  private readonly busy = new Map<string, Promise<void>>();
  /** Runs asked for a follow-up while one was under way get one more right after it. */
  private readonly followUpAgain = new Set<string>();
  /** Runs this instance drives: launched here, or held under its lease at the last renewal. */
  private held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private tasksRunning = 0;
  private readonly waitingForSlot: (() => void)[] = [];

  constructor(
    private readonly runner: ExecutionRunner,
    private readonly executions: ExecutionRepository,
    private readonly logger: Logger,
    /** How often runs on Flink are looked at and leases renewed; well under the lease's lifetime. */
    private readonly pollIntervalMs: number,
  ) {}

  launch(executionId: string, started?: { execution: Execution; job?: Job }): void {
    this.held.add(executionId);
    this.run(executionId, 'launch', () => this.runner.launch(executionId, started));
  }

  /** Only for a run this instance drives; another instance's run is looked at by that instance's next poll. */
  followUp(executionId: string, current?: Execution): void {
    if (!this.held.has(executionId)) return;
    if (this.busy.has(executionId)) {
      this.followUpAgain.add(executionId);
      return;
    }
    this.run(executionId, 'follow-up', () => this.runner.followUp(executionId, current));
  }

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  /**
   * Stops polling, waits up to `timeoutMs` for tasks under way, then gives the leases up so that another instance
   * (or the next start) resumes what is left at once.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.polling, ...this.busy.values()]),
      new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timeout);
    await this.executions
      .releaseLeases()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not hand the run leases back; they run out'));
  }

  /** Resolves once no task is under way (tests use it to wait for the background to settle). */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy.values()]);
  }

  private poll(): Promise<void> {
    if (this.polling || this.stopped) return this.polling ?? Promise.resolve();
    this.polling = (async () => {
      try {
        const { held, takenOver } = await this.executions.renewLeases(TAKE_OVER_BATCH);
        if (takenOver.length > 0) {
          this.logger.info(
            { runs: takenOver.map((run) => ({ id: run.id, status: run.status })) },
            'taking over runs no live instance holds (left by an earlier process, or an instance that died)',
          );
        }
        this.held = new Set([...takenOver, ...held].map((run) => run.id));
        for (const execution of [...takenOver, ...held]) {
          if (resumeStep(execution) === 'follow-up') this.followUp(execution.id, execution);
          // A launch under way here is left alone; one that is not (taken over) resumes from its saved step.
          else if (!this.busy.has(execution.id)) this.launch(execution.id);
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'could not renew run leases; will try again at the next poll');
      }
    })();
    return this.polling.finally(() => (this.polling = undefined));
  }

  private run(executionId: string, what: string, task: () => Promise<void>): void {
    if (this.stopped) return;
    const previous = this.busy.get(executionId) ?? Promise.resolve();
    const next = previous
      .then(() => this.inSlot(task))
      .catch((error: unknown) => this.logger.error({ err: error, executionId }, `run ${what} failed`))
      .finally(() => {
        if (this.busy.get(executionId) !== next) return;
        this.busy.delete(executionId);
        if (this.followUpAgain.delete(executionId)) this.followUp(executionId);
      });
    this.busy.set(executionId, next);
  }

  /** Runs `task` once fewer than MAX_CONCURRENT_TASKS are under way; a finished task hands its slot on. */
  private async inSlot(task: () => Promise<void>): Promise<void> {
    if (this.tasksRunning < MAX_CONCURRENT_TASKS) this.tasksRunning += 1;
    else await new Promise<void>((resolve) => this.waitingForSlot.push(resolve));
    try {
      await task();
    } finally {
      const next = this.waitingForSlot.shift();
      if (next) next();
      else this.tasksRunning -= 1;
    }
  }
}
