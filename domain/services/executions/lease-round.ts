import { mayBeOnFlink, type Execution } from '../../entities/execution.js';
import type { LeasedExecutions } from '../../ports/input/leased-executions.js';
import type { BackgroundTasks } from '../../ports/output/background-tasks.js';
import type { ExecutionRepository, HeldExecution } from '../../ports/output/execution-repository.js';
import type { ExecutionFollower } from './follower.js';
import type { HeldExecutions } from './held-executions.js';
import type { ExecutionLauncher } from './launcher.js';

/** How many executions one lease round takes over at most. */
const TAKE_OVER_BATCH = 100;

/**
 * How many background tasks this process takes on at most before they begin. Beyond it, executions wait in the
 * database, leased to this instance, and a later round offers them (oldest first): a backlog larger than the
 * instance works through in a round would only hold memory, and every round would offer it all again.
 */
export const MAX_TASK_BACKLOG = 500;

/**
 * What an execution not yet ended needs from the instance that drives it (after a restart, or taken over from an
 * instance that died): its launch resumed from the step it was saved at, or a follow-up on Flink.
 */
export function resumeStep(execution: Pick<HeldExecution, 'status' | 'mayBeOnFlink'>): 'launch' | 'follow-up' {
  return execution.status === 'RUNNING' || (execution.status === 'STOPPING' && execution.mayBeOnFlink)
    ? 'follow-up'
    : 'launch';
}

/** What a lease round needs of an execution it holds. */
export function heldExecutionOf(execution: Execution): HeldExecution {
  const { id, status, createdAt } = execution;
  return { id, status, createdAt, mayBeOnFlink: mayBeOnFlink(execution) };
}

/**
 * Each active execution is driven by one instance, the one holding its lease. A round renews this instance's
 * leases, takes over the executions whose instance stopped renewing (it died, or shut down) — at start-up too,
 * which resumes what an earlier process left unfinished — and moves each one it holds a step on.
 */
export class ExecutionLeaseRound implements LeasedExecutions {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly held: HeldExecutions,
    private readonly launcher: ExecutionLauncher,
    private readonly follower: ExecutionFollower,
    private readonly tasks: Pick<BackgroundTasks, 'backlog'>,
  ) {}

  async renew(): Promise<Execution[]> {
    const { held, takenOver } = await this.executions.renewLeases(TAKE_OVER_BATCH);
    const driven = oldestFirst([...takenOver.map(heldExecutionOf), ...held]);
    // Runs taken over were read whole: their follow-up need not read them again.
    const read = new Map(takenOver.map((execution) => [execution.id, execution]));
    this.held.replaceWith(driven.map((execution) => execution.id));
    for (const execution of driven) {
      if (this.tasks.backlog() >= MAX_TASK_BACKLOG) break;
      if (resumeStep(execution) === 'follow-up') this.follower.request(execution.id, read.get(execution.id));
      else this.launcher.resume(execution.id);
    }
    return takenOver;
  }

  release(): Promise<void> {
    return this.executions.releaseLeases();
  }
}

function oldestFirst(executions: HeldExecution[]): HeldExecution[] {
  return executions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
