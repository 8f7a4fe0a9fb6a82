import { transition, type Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import { JobAlreadyRunningError } from '../../errors.js';
import type { QueuedExecutions } from '../../ports/input/queued-executions.js';
import type { BackgroundTasks } from '../../ports/output/background-tasks.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { ExecutionFollower } from './follower.js';
import type { ExecutionLauncher } from './launcher.js';
import { MAX_TASK_BACKLOG } from './lease-round.js';
import { dropQueuedExecutions, type StopRules } from './stop-rules.js';

/** How many queued executions one pass looks at. */
const QUEUE_BATCH = 200;

/**
 * Moves QUEUED executions to PENDING when they may start: a retry once its back-off has passed, a buffered tick
 * once the job's active execution has ended. One queued by cancel_other first makes way for itself (see
 * `StopRules.makeWayFor`). Any instance may run a pass: an execution leaves the queue in one conditional write, and
 * the database refuses a second active exclusive one, so each starts once and never beside another.
 */
export class ExecutionQueue implements QueuedExecutions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly stops: StopRules,
    private readonly launcher: ExecutionLauncher,
    private readonly follower: ExecutionFollower,
    private readonly clock: Clock,
    private readonly tasks: Pick<BackgroundTasks, 'backlog'>,
  ) {}

  /** Launches the runs a scheduler round stored; past the backlog's limit, the lease round launches them later. */
  async startFired(fired: Execution[]): Promise<void> {
    const room = Math.max(0, MAX_TASK_BACKLOG - this.tasks.backlog());
    const pending = fired.filter((execution) => execution.status === 'PENDING').slice(0, room);
    if (pending.length === 0) return;
    // Their jobs in one read, not one per launch. A launch without its job (the read failed, or the job is gone)
    // reads it itself.
    const jobIds = [...new Set(pending.map((execution) => execution.jobId))];
    const jobs = await this.jobs.findMany(jobIds).catch(() => new Map<string, Job>());
    for (const execution of pending) this.launcher.start(execution.id, { execution, job: jobs.get(execution.jobId) });
  }

  async startDue(): Promise<Execution[]> {
    const started: Execution[] = [];
    for (const queued of await this.executions.findQueued(QUEUE_BATCH)) {
      const now = this.clock.now();
      if (queued.queue?.notBefore && queued.queue.notBefore > now) continue;
      const job = await this.jobs.findById(queued.jobId);
      if (!job) {
        await dropQueuedExecutions(this.executions, [queued], now, 'the job was deleted');
        continue;
      }
      if (queued.queue?.stopActive && !(await this.makeWayFor(queued, job, now))) continue;
      const execution = await this.leaveQueue(queued, now);
      if (!execution) continue;
      started.push(execution);
      this.launcher.start(execution.id, { execution });
    }
    return started;
  }

  /** Resolves with whether `queued` is still queued once the job's active executions were asked to stop. */
  private async makeWayFor(queued: Execution, job: Job, now: Date): Promise<boolean> {
    const { stillQueued, stopping } = await this.stops.makeWayFor(queued, job, now);
    for (const execution of stopping) this.follower.request(execution.id);
    return stillQueued;
  }

  /** PENDING, unless another instance started or stopped it first, or another execution of the job is active. */
  private async leaveQueue(queued: Execution, now: Date): Promise<Execution | undefined> {
    const detail = queued.trigger === 'retry' ? `retry of ${queued.retryOf}` : 'the previous run ended';
    try {
      return await this.executions.save(transition(queued, 'PENDING', now, { detail }));
    } catch (error) {
      // Another execution of the job is active: this one stays queued until it ends.
      if (!(error instanceof JobAlreadyRunningError)) throw error;
      return undefined;
    }
  }
}
