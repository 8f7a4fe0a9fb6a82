/**
 * Flink reports every failure as a Java stack trace: in error bodies (`{"errors": [...]}`), in a job's exception
 * history and in a savepoint's failure cause. The functions here reduce one to the cause a person can act on, such
 * as `java.lang.IllegalArgumentException: TestJob main failure: boom`, instead of a hundred lines of frames.
 */

const CAUSED_BY = 'Caused by: ';
/** Where an exception's header (class and message, possibly several lines) ends. */
const END_OF_HEADER = /^(\s+at |\s+\.\.\. \d+ more|\s+Suppressed: |Caused by: |End of exception on server side>)/;
/** Flink wraps a handler's error in these when it answers a REST call; their message is written for the caller. */
const REST_HANDLER_EXCEPTION = /^org\.apache\.flink\.runtime\.rest\.(?:handler\.RestHandlerException|NotFoundException): /;
/** Flink 1.x names it after the job, 2.x after the application the job belongs to. */
const DUPLICATE_SUBMISSION = /^\S*\.Duplicate(?:Job|Application)SubmissionException\b/;
/**
 * A cause carried across as Flink's serialized copy, whose message is the original's `toString()`: the class comes
 * twice (`java.lang.UnsupportedOperationException: java.lang.UnsupportedOperationException: Not supported yet`).
 */
const REPEATED_CLASS = /^([\w.$]+): \1: /;
/** The restart strategy's wrapper around a task failure: the failure itself is its cause or a concurrent exception. */
const RECOVERY_SUPPRESSED = /^\S*JobException: Recovery is suppressed by /;

/**
 * The innermost cause of a printed Java throwable: its last top-level "Caused by:" (or the throwable itself when it
 * has none), as `class: message`. Suppressed exceptions are not followed. Text that is no stack trace comes back trimmed.
 */
export function rootCauseOf(stackTrace: string): string {
  const lines = stackTrace
    .replace(/^<Exception on server side:\n/, '')
    .split(/\r?\n/);
  let start = 0;
  lines.forEach((line, index) => {
    if (line.startsWith(CAUSED_BY)) start = index;
  });
  const header = [(lines[start] ?? '').replace(CAUSED_BY, '')];
  for (const line of lines.slice(start + 1)) {
    if (END_OF_HEADER.test(line)) break;
    header.push(line);
  }
  return header.join('\n').trim().replace(REST_HANDLER_EXCEPTION, '').replace(REPEATED_CLASS, '$1: ');
}

/**
 * The cause in a Flink error response (`{"errors": ["...", "<stack trace>"]}`): the root cause of its stack trace,
 * or its plain messages when it carries none. Bodies that are not Flink's (a proxy's HTML page, say) are cut short.
 */
export function causeOfErrorBody(body: string): string | undefined {
  const errors = errorsOf(body);
  if (!errors) {
    const text = body.trim();
    return text ? shorten(text) : undefined;
  }
  const traces = errors.filter(isStackTrace);
  if (traces.length > 0) return traces.map(rootCauseOf).join('; ');
  return errors.length > 0 ? errors.join('; ') : undefined;
}

/** Whether Flink refused a run because a job (1.x) or application (2.x) with the requested id exists already. */
export function isDuplicateSubmission(cause: string): boolean {
  return DUPLICATE_SUBMISSION.test(cause);
}

/**
 * The cause of a failed job from `GET /jobs/:jobid/exceptions`. Flink 2.x answers only `exceptionHistory`; 1.20 also
 * `root-exception`. The newest history entry is the failure that ended the job; when it is only the restart
 * strategy giving up, the task failure is its cause or, failing that, the first concurrent exception.
 */
export function causeOfJobExceptions(body: unknown): string | undefined {
  const exceptions = (body ?? {}) as JobExceptions;
  const latest = exceptions.exceptionHistory?.entries?.[0];
  const rootTrace = latest?.stacktrace ?? exceptions['root-exception'];
  if (!rootTrace) return undefined;
  const cause = rootCauseOf(rootTrace);
  if (!RECOVERY_SUPPRESSED.test(cause)) return cause;
  const concurrent = latest?.concurrentExceptions?.[0]?.stacktrace ?? exceptions['all-exceptions']?.[0]?.exception;
  return concurrent ? rootCauseOf(concurrent) : cause;
}

/** The cause of a failed savepoint operation (`operation.failure-cause` of `GET /jobs/:jobid/savepoints/:triggerid`). */
export function causeOfOperationFailure(failure: { class?: string; 'stack-trace'?: string }): string {
  if (failure['stack-trace']) return rootCauseOf(failure['stack-trace']);
  return failure.class ?? 'Flink reported a failure without a cause';
}

interface JobExceptions {
  'root-exception'?: string;
  'all-exceptions'?: { exception?: string }[];
  exceptionHistory?: {
    entries?: { stacktrace?: string; concurrentExceptions?: { stacktrace?: string }[] }[];
  };
}

function errorsOf(body: string): string[] | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) return parsed.errors.filter((entry) => typeof entry === 'string');
  } catch {
    // Not JSON: handled as plain text by the caller.
  }
  return undefined;
}

function isStackTrace(text: string): boolean {
  return /\n\s+at /.test(text) || text.includes(`\n${CAUSED_BY}`);
}

function shorten(text: string, limit = 500): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}
