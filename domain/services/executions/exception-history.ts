import { mayBeOnFlink } from '../../entities/execution.js';
import { isEntityId } from '../../entities/ids.js';
import { ExecutionNotFoundError } from '../../errors.js';
import type { ExecutionExceptions, RunExceptions } from '../../ports/input/execution-exceptions.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';

/** How many history entries are asked of Flink: its own default size of the history (web.exception-history-size). */
export const MAX_EXCEPTIONS = 16;

export const NOT_SUBMITTED_NOTE = 'The execution has not been submitted to Flink: it has no Flink job to ask about';
export const FORGOTTEN_NOTE =
  'Flink does not know the job (anymore): a JobManager keeps finished jobs for jobstore.expiration-time, and none after a restart';

/** A run's exception history, read from Flink each time: the service keeps only the root cause of a failed run. */
export class ExceptionHistoryService implements ExecutionExceptions {
  constructor(
    private readonly executions: Pick<ExecutionRepository, 'findById'>,
    private readonly flink: Pick<FlinkCluster, 'exceptionHistory'>,
  ) {}

  async exceptionsOf(executionId: string): Promise<RunExceptions> {
    const execution = isEntityId(executionId) ? await this.executions.findById(executionId) : undefined;
    if (!execution) throw new ExecutionNotFoundError(executionId);
    if (!mayBeOnFlink(execution)) return { execution, exceptions: [], truncated: false, note: NOT_SUBMITTED_NOTE };
    const history = await this.flink.exceptionHistory(execution.flinkJobId, MAX_EXCEPTIONS);
    if (!history) return { execution, exceptions: [], truncated: false, note: FORGOTTEN_NOTE };
    return { execution, ...history, note: null };
  }
}
