import { transition, type Execution } from '../entities/execution.js';
import { JobAlreadyRunningError } from '../errors.js';
import type { QueuedExecutions } from '../ports/input/queued-executions.js';
import type { Clock } from '../ports/output/clock.js';
import type { ExecutionDispatcher } from '../ports/output/execution-dispatcher.js';
import type { ExecutionRepository } from '../ports/output/execution-repository.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import type { Job } from '../entities/job.js';
import { defaultStopMode, type ExecutionSettings } from './run-settings.js';
import { dropQueuedExecutions, requestStop } from './stop-requests.js';

/** How many queued runs one pass looks at. */
const QUEUE_BATCH = 200;

/**
 * Moves QUEUED runs to PENDING when they may start: a retry once its back-off has passed, a buffered tick once the
 * job's active run has ended. A run queued by cancel_other first stops the job's active run (with the job's stop
 * rules: a savepoint where a savepoint folder is set) and drops the runs queued before it. Any instance may run a
 * pass: a run leaves the queue in one conditional write, and the database refuses a second active exclusive run,
 * so a run is started once and never beside another.
 */
export class ExecutionQueue implements QueuedExecutions {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly dispatcher: ExecutionDispatcher,
    private readonly clock: Clock,
    private readonly settings: ExecutionSettings,
  ) {}

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
      if (queued.queue?.stopActive && !(await this.clearWayFor(queued, job, now))) continue;
      const detail = queued.trigger === 'retry' ? `retry of ${queued.retryOf}` : 'the previous run ended';
      try {
        const saved = await this.executions.save(transition(queued, 'PENDING', now, { detail }));
        if (!saved) continue; // another instance started or stopped it first
        started.push(saved);
        this.dispatcher.launch(saved.id, { execution: saved });
      } catch (error) {
        // Another run of the job is active: the run stays queued until it ends.
        if (!(error instanceof JobAlreadyRunningError)) throw error;
      }
    }
    return started;
  }

  /**
   * For cancel_other: drops the job's runs queued before `queued` and asks its active runs to stop. Resolves
   * with whether `queued` is still queued (it may have been dropped by a later one meanwhile).
   */
  private async clearWayFor(queued: Execution, job: Job, now: Date): Promise<boolean> {
    const earlier = (await this.executions.findQueuedForJob(queued.jobId)).filter(
      (other) => other.id !== queued.id && other.createdAt <= queued.createdAt,
    );
    await dropQueuedExecutions(this.executions, earlier, now, `replaced by ${queued.id} (cancel_other)`);
    const current = await this.executions.findById(queued.id);
    if (current?.status !== 'QUEUED') return false;
    for (const active of await this.executions.findActiveForJob(queued.jobId)) {
      if (active.stopRequest) continue;
      const stopping = await requestStop(this.executions, active, {
        mode: defaultStopMode(job, this.settings),
        drain: false,
        reason: 'replaced',
        requestedAt: now,
      });
      if (stopping) this.dispatcher.followUp(stopping.id);
    }
    return true;
  }
}
