/**
 * Which finished runs may be removed. Never an active or QUEUED run; never, while its job is live, the job's newest
 * run, its newest run that was not SKIPPED (the job's "last execution") or its newest savepoint (`fromLastSavepoint`
 * restores from it). A deleted job keeps none of these: its runs go by age alone, and its row once they are gone.
 */
export interface RemovableRuns {
  /** Runs created before this instant. */
  before: Date;
  /** Only this job's runs; every job's when absent. */
  jobId?: string;
}

/** What the background sweep removes: runs past the age limit, and each job's runs past its newest `keepPerJob`. */
export interface RetentionRule {
  before: Date;
  keepPerJob: number;
}

export interface RetentionSettings {
  /** How long a finished run is kept (EXECUTION_RETENTION_DAYS). */
  maxAgeMs: number;
  /** How many of each job's newest runs are kept whatever their age (EXECUTION_RETENTION_PER_JOB). */
  keepPerJob: number;
}

export function retentionRuleAt(now: Date, settings: RetentionSettings): RetentionRule {
  return { before: new Date(now.getTime() - settings.maxAgeMs), keepPerJob: settings.keepPerJob };
}

/** A purge asked for over the API. */
export interface PurgeRequest {
  before?: Date;
  jobId?: string;
  dryRun?: boolean;
}

export interface PurgeOutcome {
  /** How many runs were removed, or with `dryRun` would be. */
  removed: number;
  dryRun: boolean;
}

/**
 * The runs a purge names: those created before `before` (every finished run when absent). A `before` in the future
 * is refused rather than read as "now", since it most likely is a mistake in its date; the reason is returned.
 */
export function removableRunsOf(request: PurgeRequest, now: Date): RemovableRuns | string {
  if (request.before && request.before.getTime() > now.getTime()) {
    return `must not be in the future (it is ${now.toISOString()} now)`;
  }
  const runs: RemovableRuns = { before: request.before ?? now };
  if (request.jobId) runs.jobId = request.jobId;
  return runs;
}
