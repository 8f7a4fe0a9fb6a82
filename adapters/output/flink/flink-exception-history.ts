import { STACKTRACE_LIMIT, type ExceptionHistory, type FlinkException } from '../../../domain/entities/flink-exception.js';
import { rootCauseOf } from './flink-errors.js';

/*
 * `GET /jobs/:jobid/exceptions` in the service's words. Flink 1.20 and 2.x both answer `exceptionHistory.entries[]`
 * (newest first: exceptionName, stacktrace, timestamp, taskName, failureLabels, taskManagerId, concurrentExceptions);
 * a task's address is `endpoint` on 2.x, and also the older `location` on 1.20. Before `exceptionHistory` existed
 * (and still on 1.20, deprecated) the answer had `root-exception`, `timestamp` and `all-exceptions[]` ({exception,
 * task, location, timestamp, taskManagerId}): read only when there is no history, and removed in 2.0.
 */

interface HistoryEntry {
  exceptionName?: string | null;
  stacktrace?: string | null;
  timestamp?: number | null;
  taskName?: string | null;
  endpoint?: string | null;
  location?: string | null;
  taskManagerId?: string | null;
  failureLabels?: Record<string, string> | null;
  concurrentExceptions?: HistoryEntry[] | null;
}

interface LegacyException {
  exception?: string;
  task?: string | null;
  location?: string | null;
  endpoint?: string | null;
  timestamp?: number | null;
  taskManagerId?: string | null;
}

export interface JobExceptionsBody {
  exceptionHistory?: { entries?: HistoryEntry[]; truncated?: boolean };
  'root-exception'?: string | null;
  timestamp?: number | null;
  'all-exceptions'?: LegacyException[];
  truncated?: boolean;
}

export function exceptionHistoryOf(body: unknown): ExceptionHistory {
  const answer = (body ?? {}) as JobExceptionsBody;
  if (answer.exceptionHistory) {
    const entries = answer.exceptionHistory.entries ?? [];
    return { exceptions: entries.map(historyEntry), truncated: answer.exceptionHistory.truncated ?? false };
  }
  const root = answer['root-exception'];
  if (!root) return { exceptions: [], truncated: false };
  const concurrent = (answer['all-exceptions'] ?? []).map(legacyEntry);
  const entry = { ...exceptionFields({ stacktrace: root, timestamp: answer.timestamp }), concurrent };
  return { exceptions: [entry], truncated: answer.truncated ?? false };
}

function historyEntry(entry: HistoryEntry): FlinkException {
  return { ...exceptionFields(entry), concurrent: (entry.concurrentExceptions ?? []).map(exceptionFields) };
}

function legacyEntry(entry: LegacyException): Omit<FlinkException, 'concurrent'> {
  return exceptionFields({ ...entry, stacktrace: entry.exception, taskName: entry.task });
}

function exceptionFields(entry: HistoryEntry): Omit<FlinkException, 'concurrent'> {
  const stacktrace = entry.stacktrace ?? null;
  const truncated = stacktrace !== null && stacktrace.length > STACKTRACE_LIMIT;
  return {
    timestamp: typeof entry.timestamp === 'number' ? new Date(entry.timestamp) : null,
    exceptionName: entry.exceptionName ?? (stacktrace ? classOf(stacktrace) : null),
    message: stacktrace ? rootCauseOf(stacktrace) : (entry.exceptionName ?? 'Flink recorded no message'),
    taskName: entry.taskName ?? null,
    location: entry.endpoint ?? entry.location ?? null,
    taskManagerId: entry.taskManagerId ?? null,
    failureLabels: entry.failureLabels ?? {},
    stacktrace: truncated ? stacktrace.slice(0, STACKTRACE_LIMIT) : stacktrace,
    stacktraceTruncated: truncated,
  };
}

/** The class a printed throwable starts with (`java.lang.RuntimeException: boom` → `java.lang.RuntimeException`). */
function classOf(stacktrace: string): string | null {
  return /^([\w.$]+)(?::|\s|$)/.exec(stacktrace.trimStart())?.[1] ?? null;
}
