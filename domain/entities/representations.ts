import { durationMs, type Execution, type ExecutionError, type ExecutionStatus, type ExecutionTrigger } from './execution.js';
import type { Job, JobDefinition } from './job.js';
import type { SnapshotKind } from './restore.js';
import type { OverlapPolicy, Schedule } from './schedule.js';
import { endedReason, type EndedReason } from './schedule-controls.js';

/*
 * Jobs, executions and schedules as the service shows them to the outside: the HTTP API serves them, and events carry
 * them as their `data` (the API adds a run's `flinkWebUrl`, which comes from the service's settings). They live in the domain, not in the HTTP adapter, because events are written by the domain
 * and by the repositories (which may not import an input adapter), and a webhook must show what the API shows.
 */

/** A date as RFC 3339 UTC in a representation, or null. */
export const iso = (date: Date | null) => date?.toISOString() ?? null;

export interface ExecutionResource {
  id: string;
  jobId: string;
  trigger: ExecutionTrigger;
  attempt: number;
  scheduledFor: string | null;
  status: ExecutionStatus;
  flinkJobId: string | null;
  flinkJarId: string | null;
  programArgs: string[] | null;
  savepointPath: string | null;
  restoredFrom: string | null;
  restoredFromKind: SnapshotKind | null;
  error: ExecutionError | null;
  retryOf: string | null;
  requestedBy: string | null;
  backfillId: string | null;
  jobVersion: number | null;
  upgradeOf: string | null;
  queuedUntil: string | null;
  deadlineAt: string | null;
  deadlineMissed: boolean;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  history: { status: ExecutionStatus; at: string; detail?: string }[];
}

export function executionResource(execution: Execution): ExecutionResource {
  const submitted = execution.history.some((entry) => entry.status === 'SUBMITTING');
  return {
    id: execution.id,
    jobId: execution.jobId,
    trigger: execution.trigger,
    attempt: execution.attempt,
    scheduledFor: iso(execution.scheduledFor),
    status: execution.status,
    flinkJobId: submitted ? execution.flinkJobId : null,
    flinkJarId: execution.flinkJarId,
    programArgs: execution.programArgs,
    savepointPath: execution.savepointPath,
    restoredFrom: execution.restoredFrom?.savepointPath ?? null,
    restoredFromKind: execution.restoredFrom ? (execution.restoredFrom.kind ?? 'savepoint') : null,
    error: execution.error,
    retryOf: execution.retryOf,
    requestedBy: execution.requestedBy,
    backfillId: execution.backfillId,
    jobVersion: execution.jobVersion,
    upgradeOf: execution.upgradeOf,
    queuedUntil: iso(execution.queue?.notBefore ?? null),
    deadlineAt: iso(execution.deadlineAt),
    deadlineMissed: execution.deadlineMissed,
    createdAt: execution.createdAt.toISOString(),
    startedAt: iso(execution.startedAt),
    endedAt: iso(execution.endedAt),
    durationMs: durationMs(execution),
    history: execution.history.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
  };
}

/** A job's definition and version; the API's job resource adds its last execution and its schedule. */
export type JobDefinitionResource = JobDefinition & { id: string; version: number; createdAt: string; updatedAt: string };

export function jobDefinitionResource(job: Job): JobDefinitionResource {
  // Named field by field, so that a field added to Job is shown only when it is added here; one literal, so that
  // every resource has the same shape (this runs for each job of each read).
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    jarURL: job.jarURL,
    entryClass: job.entryClass,
    config: byKey(job.config),
    args: job.args,
    parallelism: job.parallelism,
    flinkConfiguration: byKey(job.flinkConfiguration),
    jarSha256: job.jarSha256,
    timeoutSeconds: job.timeoutSeconds,
    labels: byKey(job.labels),
    retryPolicy: job.retryPolicy,
    restore: job.restore,
    allowNonRestoredState: job.allowNonRestoredState,
    claimMode: job.claimMode,
    savepointPolicy: job.savepointPolicy,
    version: job.version,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/**
 * A map with its keys in code-point order: the order sent is lost once stored (jsonb keeps its own, shortest key
 * first), so a job reads the same in the answer to its create, on GET and in its events.
 */
function byKey<Value>(map: Record<string, Value>): Record<string, Value> {
  const keys = Object.keys(map);
  if (keys.length < 2) return map;
  return Object.fromEntries(keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((key) => [key, map[key]!]));
}

export interface ScheduleResource {
  jobId: string;
  cron: string;
  timezone: string;
  overlapPolicy: OverlapPolicy;
  catchupWindowSeconds: number;
  jitterSeconds: number;
  startAt: string | null;
  endAt: string | null;
  paused: boolean;
  pauseNote: string | null;
  remainingRuns: number | null;
  pauseAfterFailures: number | null;
  deadlineSeconds: number | null;
  ended: boolean;
  endedReason: EndedReason | null;
  nextRunTimes: string[];
  lastRunAt: string | null;
  counters: Schedule['counters'];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** `nextRunTimes` and `ended` come from the cron calculator: the schedule alone does not know them. */
export function scheduleResource(schedule: Schedule, nextRunTimes: Date[], ended: boolean): ScheduleResource {
  return {
    jobId: schedule.jobId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlapPolicy: schedule.overlapPolicy,
    catchupWindowSeconds: schedule.catchupWindowSeconds,
    jitterSeconds: schedule.jitterSeconds,
    startAt: iso(schedule.startAt),
    endAt: iso(schedule.endAt),
    paused: schedule.paused,
    pauseNote: schedule.pauseNote,
    remainingRuns: schedule.remainingRuns,
    pauseAfterFailures: schedule.pauseAfterFailures,
    deadlineSeconds: schedule.deadlineSeconds,
    ended,
    endedReason: ended ? endedReason(schedule) : null,
    nextRunTimes: nextRunTimes.map((time) => time.toISOString()),
    lastRunAt: iso(schedule.lastFireAt),
    counters: schedule.counters,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
    version: schedule.version,
  };
}
