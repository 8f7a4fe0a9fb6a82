import { canTransition, IllegalTransitionError, isTerminal, type ExecutionStatus } from './execution-status.js';
export type { StopMode, StopRequest } from './stop-request.js';
import type { ClaimMode, SnapshotKind } from './restore.js';
import type { StopRequest } from './stop-request.js';

export {
  ACTIVE_STATUSES,
  canTransition,
  EXECUTION_STATUSES,
  IllegalTransitionError,
  isTerminal,
  TERMINAL_STATUSES,
  type ExecutionStatus,
} from './execution-status.js';

/** How a run came about. */
export type ExecutionTrigger = 'manual' | 'schedule' | 'retry' | 'backfill' | 'upgrade';

export const EXECUTION_TRIGGERS: readonly ExecutionTrigger[] = ['manual', 'schedule', 'retry', 'backfill', 'upgrade'];

export interface ExecutionError {
  /** Stable: JAR_DOWNLOAD_FAILED, FLINK_UNREACHABLE, FLINK_SUBMIT_FAILED, FLINK_JOB_FAILED, TIMEOUT, ... */
  code: string;
  message: string;
}

export interface HistoryEntry {
  status: ExecutionStatus;
  at: Date;
  detail?: string;
}

/** Where a run restores state from: a savepoint or retained checkpoint, as asked or as its restore strategy picked. */
export interface RestoreSettings {
  savepointPath: string;
  allowNonRestoredState: boolean;
  /** Absent on runs stored before strategies: a savepoint. */
  kind?: SnapshotKind;
  /** Absent: Flink's default, NO_CLAIM. */
  claimMode?: ClaimMode;
}

/** What a QUEUED run waits for before it starts. */
export interface QueueTerms {
  /** Not before this time (a retry's back-off); null: as soon as no other run of the job is active. */
  notBefore: Date | null;
  /** Stop the job's active run, and drop the runs queued before this one, first (cancel_other). */
  stopActive: boolean;
}

export interface Execution {
  id: string;
  jobId: string;
  trigger: ExecutionTrigger;
  attempt: number;
  /**
   * The instant the run is for, and its data interval's end: a scheduled run's tick; for a manual run the
   * `scheduledFor` it was started with, else its start time; for a retry, the run's it retries. Null only on runs
   * stored before manual runs recorded it.
   */
  scheduledFor: Date | null;
  status: ExecutionStatus;
  /** Flink's job id: derived from the execution id, so a repeated submit can never start a second job. */
  flinkJobId: string;
  flinkJarId: string | null;
  /** The program arguments sent to Flink, placeholders resolved; set when the run is submitted. */
  programArgs: string[] | null;
  savepointPath: string | null;
  restoredFrom: RestoreSettings | null;
  error: ExecutionError | null;
  stopRequest: StopRequest | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  history: HistoryEntry[];
  /** Set while QUEUED. */
  queue: QueueTerms | null;
  /** The failed run this one tries again. */
  retryOf: string | null;
  /** Who asked for it: an API key's name, `schedule` for a tick, `retry` for an automatic retry. */
  requestedBy: string | null;
  /** When a scheduled run should have finished: its tick plus the schedule's `deadlineSeconds`; null: no deadline. */
  deadlineAt: Date | null;
  /** It had not finished by `deadlineAt`: noticed while it ran, or when it ended. */
  deadlineMissed: boolean;
  /** The backfill that ran this tick (its retries keep it too); null for other runs. */
  backfillId: string | null;
  /** The job's version when the run was created (a retry keeps its run's); null on runs from before versions. */
  jobVersion: number | null;
  /** For `trigger: upgrade`: the run it replaces (an upgrade's new run), or the failed one a rollback replaces. */
  upgradeOf: string | null;
  /** Bumped by every save; a save based on an older revision is refused, so concurrent writers never clobber. */
  revision: number;
}

/** Whether Flink may know the execution: from the moment we asked it to run the JAR. */
export function mayBeOnFlink(execution: Execution): boolean {
  return execution.history.some((entry) => entry.status === 'SUBMITTING');
}

/** Flink job ids are 32 hex digits; ours are the execution's UUID without dashes. */
export function flinkJobIdFor(executionId: string): string {
  return executionId.replaceAll('-', '').toLowerCase();
}

export function newExecution(params: {
  id: string;
  jobId: string;
  trigger: ExecutionTrigger;
  attempt?: number;
  scheduledFor?: Date | null;
  restoredFrom?: RestoreSettings | null;
  /** Given: the run starts QUEUED rather than PENDING. */
  queue?: QueueTerms | null;
  retryOf?: string | null;
  /** Defaults to `schedule` for a tick; a manual execution names the API key that asked for it. */
  requestedBy?: string | null;
  deadlineAt?: Date | null;
  backfillId?: string | null;
  /** Said in the first history entry (which restore strategy picked what). */
  detail?: string;
  jobVersion?: number | null;
  upgradeOf?: string | null;
  now: Date;
}): Execution {
  const status: ExecutionStatus = params.queue ? 'QUEUED' : 'PENDING';
  return {
    id: params.id,
    jobId: params.jobId,
    trigger: params.trigger,
    attempt: params.attempt ?? 1,
    scheduledFor: params.scheduledFor ?? null,
    status,
    flinkJobId: flinkJobIdFor(params.id),
    flinkJarId: null,
    programArgs: null,
    savepointPath: null,
    restoredFrom: params.restoredFrom ?? null,
    error: null,
    stopRequest: null,
    createdAt: params.now,
    startedAt: null,
    endedAt: null,
    history: [{ status, at: params.now, ...(params.detail ? { detail: params.detail } : {}) }],
    queue: params.queue ?? null,
    retryOf: params.retryOf ?? null,
    requestedBy: params.requestedBy ?? (params.trigger === 'schedule' ? 'schedule' : null),
    deadlineAt: params.deadlineAt ?? null,
    deadlineMissed: false,
    backfillId: params.backfillId ?? null,
    jobVersion: params.jobVersion ?? null,
    upgradeOf: params.upgradeOf ?? null,
    revision: 0,
  };
}

/**
 * Moves an execution to `to`, recording it in the history. RUNNING stamps `startedAt`; a terminal status stamps
 * `endedAt` and clears the pending stop. Throws IllegalTransitionError for a move the rules do not allow.
 */
export function transition(
  execution: Execution,
  to: ExecutionStatus,
  at: Date,
  changes: { detail?: string; error?: ExecutionError; savepointPath?: string; flinkJarId?: string; programArgs?: string[] } = {},
): Execution {
  if (!canTransition(execution.status, to)) throw new IllegalTransitionError(execution.status, to);
  const terminal = isTerminal(to);
  return {
    ...execution,
    status: to,
    flinkJarId: changes.flinkJarId ?? execution.flinkJarId,
    programArgs: changes.programArgs ?? execution.programArgs,
    savepointPath: changes.savepointPath ?? execution.savepointPath,
    error: changes.error ?? execution.error,
    startedAt: to === 'RUNNING' && !execution.startedAt ? at : execution.startedAt,
    endedAt: terminal ? at : execution.endedAt,
    stopRequest: terminal ? null : execution.stopRequest,
    queue: to === 'QUEUED' ? execution.queue : null,
    history: [...execution.history, { status: to, at, ...(changes.detail ? { detail: changes.detail } : {}) }],
  };
}

/** A tick that did not run: recorded, terminal from the start, never sent to Flink. */
export function skippedExecution(params: {
  id: string;
  jobId: string;
  scheduledFor: Date;
  reason: ExecutionError;
  jobVersion?: number | null;
  upgradeOf?: string | null;
  now: Date;
}): Execution {
  const pending = newExecution({ ...params, trigger: 'schedule' });
  return {
    ...pending,
    status: 'SKIPPED',
    error: params.reason,
    endedAt: params.now,
    history: [{ status: 'SKIPPED', at: params.now, detail: params.reason.message }],
  };
}

/**
 * The run that tries `failed` again: the next attempt at the same tick, restoring from the same savepoint unless
 * `restoredFrom` says otherwise (null: its launch picks by the job's restore strategy). With `notBefore` it waits
 * QUEUED for its back-off; without, it is PENDING, to be started now.
 */
export function retryExecution(
  failed: Execution,
  params: { id: string; now: Date; notBefore: Date | null; requestedBy?: string | null; restoredFrom?: null },
): Execution {
  return newExecution({
    id: params.id,
    jobId: failed.jobId,
    trigger: 'retry',
    attempt: failed.attempt + 1,
    scheduledFor: failed.scheduledFor,
    restoredFrom: params.restoredFrom === null ? null : failed.restoredFrom,
    queue: params.notBefore ? { notBefore: params.notBefore, stopActive: false } : null,
    retryOf: failed.id,
    requestedBy: params.requestedBy ?? 'retry',
    deadlineAt: failed.deadlineAt,
    backfillId: failed.backfillId,
    jobVersion: failed.jobVersion,
    now: params.now,
  });
}

export function durationMs(execution: Execution): number | null {
  if (!execution.endedAt) return null;
  return execution.endedAt.getTime() - (execution.startedAt ?? execution.createdAt).getTime();
}

/** Whether the run is past its deadline at `now` and not marked yet (an ended run only if it ended after it). */
export function deadlineNewlyMissed(execution: Execution, now: Date): boolean {
  if (!execution.deadlineAt || execution.deadlineMissed) return false;
  return (execution.endedAt ?? now) > execution.deadlineAt;
}
