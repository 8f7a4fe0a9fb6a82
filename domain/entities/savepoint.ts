import type { CronTicks } from './schedule.js';

/** Who asked for a savepoint: a stop with savepoint, a user, the job's savepoint policy, or a kept checkpoint. */
export const SAVEPOINT_ORIGINS = ['STOP', 'MANUAL', 'PERIODIC', 'RETAINED_CHECKPOINT'] as const;
export type SavepointOrigin = (typeof SAVEPOINT_ORIGINS)[number];

/** PENDING until Flink says how it went; DISPOSED once given up (its files removed where the service could). */
export const SAVEPOINT_STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'DISPOSED'] as const;
export type SavepointStatusName = (typeof SAVEPOINT_STATUSES)[number];

/** A savepoint the service triggered (or found), as the catalog keeps it. */
export interface Savepoint {
  id: string;
  jobId: string;
  executionId: string;
  /** The job's version when the savepoint was triggered. */
  jobVersion: number;
  /** Where Flink wrote it; null until it completed. */
  path: string | null;
  origin: SavepointOrigin;
  status: SavepointStatusName;
  /** Flink's trigger id, to ask how it went; null until Flink took the request. */
  triggerId: string | null;
  /** For PERIODIC savepoints: the due time it was triggered for (one per job and due time). */
  dueAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
  /** Why it failed, as Flink said. */
  error: string | null;
}

/** When a job's runs take savepoints on their own, and how many of the completed ones are kept. */
export interface SavepointPolicy {
  intervalSeconds: number | null;
  /** Evaluated in UTC. */
  cron: string | null;
  maxCount: number | null;
  maxAgeSeconds: number | null;
}

export const SAVEPOINT_POLICY_LIMITS = {
  minIntervalSeconds: 60,
  maxIntervalSeconds: 31 * 24 * 3600,
  maxCount: 1000,
  minAgeSeconds: 60,
  maxAgeSeconds: 10 * 365 * 24 * 3600,
} as const;

/** The zone a policy's cron is read in. */
export const SAVEPOINT_CRON_ZONE = 'UTC';

/** The field of a policy that cannot be used and why, or undefined when it can. `cronProblem` reads a pattern. */
export function savepointPolicyProblem(
  policy: SavepointPolicy,
  cronProblem: (pattern: string, timezone: string) => string | undefined,
): { field: string; reason: string } | undefined {
  const limits = SAVEPOINT_POLICY_LIMITS;
  if ((policy.intervalSeconds === null) === (policy.cron === null)) {
    return { field: 'savepointPolicy', reason: 'set exactly one of intervalSeconds and cron' };
  }
  const outOfRange = (value: number | null, min: number, max: number) => value !== null && (value < min || value > max);
  if (outOfRange(policy.intervalSeconds, limits.minIntervalSeconds, limits.maxIntervalSeconds)) {
    return {
      field: 'savepointPolicy.intervalSeconds',
      reason: `must be from ${limits.minIntervalSeconds} to ${limits.maxIntervalSeconds} seconds`,
    };
  }
  if (policy.cron !== null) {
    const problem = cronProblem(policy.cron, SAVEPOINT_CRON_ZONE);
    if (problem) return { field: 'savepointPolicy.cron', reason: `'${policy.cron}' cannot be used: ${problem}` };
  }
  if (outOfRange(policy.maxCount, 1, limits.maxCount)) {
    return { field: 'savepointPolicy.maxCount', reason: `must be from 1 to ${limits.maxCount}` };
  }
  if (outOfRange(policy.maxAgeSeconds, limits.minAgeSeconds, limits.maxAgeSeconds)) {
    return {
      field: 'savepointPolicy.maxAgeSeconds',
      reason: `must be from ${limits.minAgeSeconds} to ${limits.maxAgeSeconds} seconds`,
    };
  }
  return undefined;
}

/**
 * The completed savepoints of a job that retention disposes of: those beyond `maxCount` (newest first) and those
 * older than `maxAgeSeconds`. Never the newest completed one, nor one a run still active was restored from.
 */
export function savepointsToDispose(
  completed: readonly Savepoint[],
  policy: Pick<SavepointPolicy, 'maxCount' | 'maxAgeSeconds'>,
  now: Date,
  restoredFrom: ReadonlySet<string>,
): Savepoint[] {
  const newestFirst = completed
    .filter((savepoint) => savepoint.status === 'COMPLETED')
    .sort((a, b) => finishedAt(b) - finishedAt(a) || b.id.localeCompare(a.id));
  return newestFirst.filter((savepoint, index) => {
    if (index === 0 || (savepoint.path !== null && restoredFrom.has(savepoint.path))) return false;
    const tooMany = policy.maxCount !== null && index >= policy.maxCount;
    const tooOld = policy.maxAgeSeconds !== null && now.getTime() - finishedAt(savepoint) > policy.maxAgeSeconds * 1000;
    return tooMany || tooOld;
  });
}

function finishedAt(savepoint: Savepoint): number {
  return (savepoint.completedAt ?? savepoint.createdAt).getTime();
}

/** A savepoint as the API shows it (and its events carry it). */
export function savepointResource(savepoint: Savepoint) {
  return {
    id: savepoint.id,
    jobId: savepoint.jobId,
    executionId: savepoint.executionId,
    jobVersion: savepoint.jobVersion,
    path: savepoint.path,
    origin: savepoint.origin,
    status: savepoint.status,
    createdAt: savepoint.createdAt.toISOString(),
    completedAt: savepoint.completedAt?.toISOString() ?? null,
    error: savepoint.error,
  };
}

export type SavepointResource = ReturnType<typeof savepointResource>;

/** How many cron ticks are stepped through at most to find the latest one due (a long outage of a dense pattern). */
const MAX_CRON_STEPS = 10_000;

/**
 * The latest time a periodic savepoint came due in (since, now], or null if none did. After an outage that is one
 * savepoint, not one per missed due time. `since` is the last one's due time, or the start of the run.
 */
export function periodicSavepointDue(policy: SavepointPolicy, since: Date, now: Date, cron: CronTicks): Date | null {
  if (policy.intervalSeconds !== null) {
    const intervalMs = policy.intervalSeconds * 1000;
    const steps = Math.floor((now.getTime() - since.getTime()) / intervalMs);
    return steps >= 1 ? new Date(since.getTime() + steps * intervalMs) : null;
  }
  if (policy.cron === null) return null;
  let due: Date | null = null;
  let next = cron.nextAfter(policy.cron, SAVEPOINT_CRON_ZONE, since);
  for (let step = 0; next && next <= now && step < MAX_CRON_STEPS; step++) {
    due = next;
    next = cron.nextAfter(policy.cron, SAVEPOINT_CRON_ZONE, next);
  }
  return due;
}
