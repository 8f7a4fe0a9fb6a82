/** How a job's failed runs are tried again. */
export interface RetryPolicy {
  /** Runs in all, the first one included: 1 means no retry. 1..10. */
  maxAttempts: number;
  /** Wait before the first retry. */
  backoffSeconds: number;
  /** Each later wait is this many times the one before. */
  backoffMultiplier: number;
  /** No wait is longer. */
  maxBackoffSeconds: number;
}

export const RETRY_DEFAULTS = {
  maxAttempts: 1,
  backoffSeconds: 30,
  backoffMultiplier: 2,
  maxBackoffSeconds: 3600,
} as const satisfies RetryPolicy;

/** The most runs a retry policy may ask for. */
export const MAX_ATTEMPTS_LIMIT = 10;

/**
 * Failures that another attempt cannot mend, or that are not failures of the job: the job is gone, its JAR URL is
 * refused, someone cancelled the Flink job outside this service (a stop by other means), or a stop's savepoint
 * took the job down (the run was being stopped).
 */
export const NOT_RETRIED_CODES: readonly string[] = ['JOB_NOT_FOUND', 'JAR_URL_NOT_ALLOWED', 'FLINK_JOB_CANCELLED', 'SAVEPOINT_FAILED'];

/** The wait before the retry that follows failed attempt `attempt` (1 = the first run). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const seconds = policy.backoffSeconds * policy.backoffMultiplier ** (Math.max(attempt, 1) - 1);
  return Math.round(Math.min(seconds, policy.maxBackoffSeconds) * 1000);
}

/**
 * Whether attempt `attempt` of a run is tried again. `errorCode` is the code of the run's error when it ended
 * FAILED, null when it did not fail (succeeded, or was stopped). Any failure is retried (JAR download, upload,
 * submit, the Flink job failing or timing out) except NOT_RETRIED_CODES, and never beyond maxAttempts. A tick the
 * overlap policy skipped never became a run, so it is never retried.
 */
export function shouldRetry(policy: RetryPolicy, attempt: number, errorCode: string | null): boolean {
  if (errorCode === null || NOT_RETRIED_CODES.includes(errorCode)) return false;
  return attempt < policy.maxAttempts;
}
