export const EXECUTION_STATUSES = [
  'QUEUED',
  'PENDING',
  'DOWNLOADING',
  'UPLOADING',
  'SUBMITTING',
  'RUNNING',
  'STOPPING',
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
  'SKIPPED',
] as const;

export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * QUEUED: waiting to start, for its back-off (a retry) or for the job's active run to end (the buffer_one and
 * cancel_other overlap policies); it is not active yet, so it does not hold the job's one active slot.
 * SKIPPED: a scheduled tick that did not run (its reason in `error`, e.g. OVERLAP); it never reaches Flink. */
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'STOPPED', 'SKIPPED'];
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = [
  'PENDING',
  'DOWNLOADING',
  'UPLOADING',
  'SUBMITTING',
  'RUNNING',
  'STOPPING',
];

/**
 * The moves a run may make. Every step of the launch may end in FAILED (its error says why) or, when a stop was
 * asked for before Flink had the job, in STOPPED. Once Flink runs the job, only Flink's outcome or our stop ends it.
 */
const TRANSITIONS: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  QUEUED: ['PENDING', 'STOPPED'],
  PENDING: ['DOWNLOADING', 'STOPPING', 'FAILED', 'STOPPED'],
  DOWNLOADING: ['UPLOADING', 'STOPPING', 'FAILED', 'STOPPED'],
  UPLOADING: ['SUBMITTING', 'STOPPING', 'FAILED', 'STOPPED'],
  SUBMITTING: ['RUNNING', 'STOPPING', 'SUCCEEDED', 'FAILED', 'STOPPED'],
  RUNNING: ['STOPPING', 'SUCCEEDED', 'FAILED', 'STOPPED'],
  // Back to RUNNING only when an upgrade abandons its stop: the savepoint failed and the job goes on.
  STOPPING: ['RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED'],
  SUCCEEDED: [],
  FAILED: [],
  STOPPED: [],
  SKIPPED: [],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ExecutionStatus,
    readonly to: ExecutionStatus,
  ) {
    super(`An execution cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function isTerminal(status: ExecutionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
