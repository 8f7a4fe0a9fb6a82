import { isTerminal, transition, type Execution, type StopRequest } from '../entities/execution.js';
import type { ExecutionRepository } from '../ports/output/execution-repository.js';

/**
 * Marks a run as STOPPING with `request`, retrying when another writer saved first. Returns the stopping run
 * (unchanged if a stop was already under way), or undefined if the run ended in the meantime.
 */
export async function requestStop(
  executions: ExecutionRepository,
  execution: Execution,
  request: StopRequest,
): Promise<Execution | undefined> {
  let current: Execution | undefined = execution;
  while (current && !isTerminal(current.status)) {
    if (current.status === 'STOPPING') return current;
    const stopping = { ...transition(current, 'STOPPING', request.requestedAt, { detail: describe(request) }) };
    stopping.stopRequest = request;
    const saved = await executions.save(stopping);
    if (saved) return saved;
    current = await executions.findById(execution.id);
  }
  return undefined;
}

/** Ends QUEUED runs as STOPPED, saying why; resolves with the ones this call stopped (not started meanwhile). */
export async function dropQueuedExecutions(
  executions: ExecutionRepository,
  runs: Execution[],
  at: Date,
  detail: string,
): Promise<Execution[]> {
  const dropped: Execution[] = [];
  for (const run of runs) {
    const saved = await executions.save(transition(run, 'STOPPED', at, { detail }));
    if (saved) dropped.push(saved);
  }
  return dropped;
}

function describe(request: StopRequest): string {
  const how = request.mode === 'savepoint' ? `stop with savepoint${request.drain ? ' (drain)' : ''}` : 'cancel';
  switch (request.reason) {
    case 'timeout':
      return `timeout reached: ${how}`;
    case 'replaced':
      return `a later tick replaces this run (cancel_other): ${how}`;
    case 'job-deleted':
      return `the job was deleted: ${how}`;
    case 'user':
      return `${how} requested`;
  }
}
