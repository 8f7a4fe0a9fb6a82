/**
 * One failure in a Flink job's exception history, as the service shows it: the same on Flink 1.20 and 2.x. Flink
 * keeps the newest first; an entry's concurrent exceptions are the other failures its restart handled together.
 */
export interface FlinkException {
  timestamp: Date | null;
  /** The Java class of the exception Flink recorded, such as `org.apache.flink.runtime.JobException`. */
  exceptionName: string | null;
  /** The innermost cause, reduced to `class: message` as run errors are. */
  message: string;
  /** The subtask that failed; null for a failure of the job as a whole. */
  taskName: string | null;
  /** The TaskManager's address (`host:port`) where it failed; null for a failure of the job as a whole. */
  location: string | null;
  taskManagerId: string | null;
  /** Labels Flink's failure enrichers attached. */
  failureLabels: Record<string, string>;
  /** The Java stack trace, cut at STACKTRACE_LIMIT characters. */
  stacktrace: string | null;
  stacktraceTruncated: boolean;
  concurrent: Omit<FlinkException, 'concurrent'>[];
}

/** What Flink kept of a job's failures, newest first. `truncated`: Flink has older ones it did not send. */
export interface ExceptionHistory {
  exceptions: FlinkException[];
  truncated: boolean;
}

/** Stack traces are cut here: a restart loop's traces can run to megabytes, and the root cause is in `message`. */
export const STACKTRACE_LIMIT = 16_384;
