import type { FlinkJobState, SavepointStatus } from '../../../domain/ports/output/flink-cluster.js';
import { causeOfOperationFailure } from './flink-errors.js';

/**
 * Flink's job statuses the domain acts on. RUNNING counts as running even while tasks are still being deployed
 * (all vertices CREATED or INITIALIZING): the job is accepted and scheduled, nothing more is needed from us.
 * The rest (INITIALIZING, CREATED, RESTARTING, CANCELLING, FAILING, SUSPENDED, RECONCILING) are transient.
 */
const SETTLED_OR_RUNNING: Record<string, FlinkJobState> = {
  RUNNING: { kind: 'running' },
  FINISHED: { kind: 'finished' },
  FAILED: { kind: 'failed' },
  CANCELED: { kind: 'canceled' },
};

/** The domain's view of a job status from `GET /jobs/:jobid` (`state`). */
export function jobStateOf(flinkState: string): FlinkJobState {
  return SETTLED_OR_RUNNING[flinkState] ?? { kind: 'transient', state: flinkState };
}

export interface SavepointStatusBody {
  status?: { id?: string };
  operation?: {
    location?: string;
    'failure-cause'?: { class?: string; 'stack-trace'?: string };
  } | null;
}

/**
 * The domain's view of `GET /jobs/:jobid/savepoints/:triggerid`. Flink marks a failed operation COMPLETED too:
 * only `operation.failure-cause` tells a failure from a savepoint taken.
 */
export function savepointStatusOf(body: SavepointStatusBody): SavepointStatus {
  if (body.status?.id === 'IN_PROGRESS') return { kind: 'in-progress' };
  const failure = body.operation?.['failure-cause'];
  if (failure) return { kind: 'failed', cause: causeOfOperationFailure(failure) };
  const location = body.operation?.location;
  if (location) return { kind: 'completed', location };
  return { kind: 'failed', cause: `Flink reported the savepoint as ${body.status?.id ?? 'unknown'} without a location` };
}
