import type { Execution } from '../../entities/execution.js';
import type { ExceptionHistory } from '../../entities/flink-exception.js';

/** A run's failures as Flink recorded them; `note` says why the list is empty when Flink has no job to ask about. */
export interface RunExceptions extends ExceptionHistory {
  execution: Execution;
  note: string | null;
}

/** Reading what Flink kept of a run's failures. */
export interface ExecutionExceptions {
  /**
   * Throws ExecutionNotFoundError, or FlinkError (FLINK_UNREACHABLE, FLINK_REQUEST_FAILED) when Flink cannot say.
   * A run that never reached Flink, or whose job Flink no longer keeps, has an empty list and a note.
   */
  exceptionsOf(executionId: string): Promise<RunExceptions>;
}
