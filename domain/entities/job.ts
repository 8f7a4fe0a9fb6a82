import type { ClaimMode, JobRestore, RestoreStrategy } from './restore.js';
import type { RetryPolicy } from './retry-policy.js';
import type { SavepointPolicy } from './savepoint.js';

/** A value a job's `config` may hold; each becomes `--key value` on the Flink program's command line. */
export type ConfigValue = string | number | boolean;

/** What a user writes: everything about a job except what the server assigns. */
export interface JobDefinition {
  name: string;
  description: string | null;
  /** An absolute http(s) URL, or a path starting with `/` resolved against the data processor's URL. */
  jarURL: string;
  entryClass: string;
  config: Record<string, ConfigValue>;
  args: string[];
  parallelism: number | null;
  flinkConfiguration: Record<string, string>;
  /** Lower-case hex SHA-256 the downloaded JAR must match, when set. */
  jarSha256: string | null;
  timeoutSeconds: number | null;
  labels: Record<string, string>;
  /** How failed runs are tried again (RETRY_DEFAULTS: not at all). */
  retryPolicy: RetryPolicy;
  /**
   * Where its runs take their state from unless a start says otherwise; retries pick again when they launch. Null:
   * a start restores only when asked, and a retry from what the run it retries restored from.
   */
  restore: RestoreStrategy | null;
  /** With a restore: skip state that no operator of the job takes. */
  allowNonRestoredState: boolean;
  /** With a restore: who owns the snapshot restored from. */
  claimMode: ClaimMode;
  /** When its runs take savepoints on their own, and which are kept; null: only when asked. */
  savepointPolicy: SavepointPolicy | null;
}

export interface Job extends JobDefinition {
  id: string;
  /** 1 on create, +1 on every replace: the basis of optimistic concurrency (ETag / If-Match). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function createJob(definition: JobDefinition, id: string, now: Date): Job {
  return { ...definition, id, version: 1, createdAt: now, updatedAt: now };
}

export function replaceJob(current: Job, definition: JobDefinition, now: Date): Job {
  return {
    ...definition,
    id: current.id,
    version: current.version + 1,
    createdAt: current.createdAt,
    updatedAt: now,
  };
}

/**
 * The Flink program arguments of a job: `config` as `--key value` pairs in key order (so the same definition
 * always yields the same command line), then `args` as given.
 */
export function programArguments(job: Pick<JobDefinition, 'config' | 'args'>): string[] {
  const fromConfig = Object.keys(job.config)
    .sort()
    .flatMap((key) => [`--${key}`, String(job.config[key])]);
  return [...fromConfig, ...job.args];
}

/** The job's restore settings, or null when it has no restore strategy. */
export function jobRestore(job: Pick<JobDefinition, 'restore' | 'allowNonRestoredState' | 'claimMode'>): JobRestore | null {
  if (!job.restore) return null;
  return { strategy: job.restore, allowNonRestoredState: job.allowNonRestoredState, claimMode: job.claimMode };
}
