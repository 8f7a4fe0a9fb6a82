import { isTerminal, type Execution, type ExecutionError, type RestoreSettings } from './execution.js';

/**
 * How a running job moves to a new definition: `savepoint` stops it with a savepoint and starts the new version from
 * it; `last-state` cancels it and starts from the newest retained checkpoint or savepoint (as the `latest-state`
 * restore strategy picks it); `stateless` cancels it and starts without state. `none`: no upgrade at all, the run
 * goes on with the version it started with.
 */
export const UPGRADE_MODES = ['savepoint', 'last-state', 'stateless'] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];

/**
 * STOPPING: the old run is being stopped; STARTING: the new version's run is launched and watched for a stable
 * window; ROLLING_BACK: the old version runs again from the same state. SUCCEEDED and FAILED are final.
 */
export const UPGRADE_STATES = ['STOPPING', 'STARTING', 'ROLLING_BACK', 'SUCCEEDED', 'FAILED'] as const;
export type UpgradeState = (typeof UPGRADE_STATES)[number];
export const UPGRADES_IN_PROGRESS: readonly UpgradeState[] = ['STOPPING', 'STARTING', 'ROLLING_BACK'];

export interface Upgrade {
  id: string;
  jobId: string;
  mode: UpgradeMode;
  state: UpgradeState;
  /** The version the old run runs, and the one the upgrade stored. */
  fromVersion: number;
  toVersion: number;
  oldExecutionId: string;
  newExecutionId: string | null;
  rollbackExecutionId: string | null;
  /** The state the new run starts from (and a rollback too); null: none (stateless, or nothing found). */
  restoredFrom: RestoreSettings | null;
  /** FAILED with the old version running again from the state the upgrade took. */
  rolledBack: boolean;
  error: ExecutionError | null;
  requestedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function upgradeInProgress(upgrade: Pick<Upgrade, 'state'>): boolean {
  return UPGRADES_IN_PROGRESS.includes(upgrade.state);
}

/** The runs an upgrade in progress looks at, as stored now (undefined: not stored, or none yet). */
export interface UpgradeRuns {
  old?: Execution;
  started?: Execution;
  rollback?: Execution;
}

/** What an upgrade in progress does next, decided from its runs (see `nextUpgradeStep`). */
export type UpgradeStep =
  | { kind: 'wait' }
  /** The old run is down as asked: start the new version; `fromStopSavepoint` for savepoint mode. */
  | { kind: 'start'; fromStopSavepoint: string | null }
  | { kind: 'succeed' }
  /** Start the old version again (from the upgrade's state, or the newest state there is when it took none). */
  | { kind: 'roll-back'; cause: ExecutionError; failedRunId: string; latestState: boolean }
  /** End FAILED; `rolledBack`: the rollback run is RUNNING. */
  | { kind: 'fail'; error: ExecutionError; rolledBack: boolean };

/** The history's detail of an old run whose stop an upgrade abandoned (see StopRules), which the upgrade's error quotes. */
export const ABANDONED_STOP = 'upgrade abandoned, the run goes on';

/**
 * The upgrade's state machine, pure: what to do next given its runs and the time. `stableMs`: how long the new run
 * must have been RUNNING (and still be) before the upgrade counts as done, since a restore that does not fit the new
 * program often fails the job a moment after the run call.
 */
export function nextUpgradeStep(upgrade: Upgrade, runs: UpgradeRuns, now: Date, stableMs: number): UpgradeStep {
  switch (upgrade.state) {
    case 'STOPPING':
      return stoppingStep(upgrade, runs.old);
    case 'STARTING':
      return startingStep(upgrade, runs.started, now, stableMs);
    case 'ROLLING_BACK':
      return rollingBackStep(upgrade, runs);
    default:
      return { kind: 'wait' };
  }
}

function stoppingStep(upgrade: Upgrade, old: Execution | undefined): UpgradeStep {
  if (!old) return { kind: 'fail', error: { code: 'UPGRADE_RUN_LOST', message: `Run ${upgrade.oldExecutionId} is gone` }, rolledBack: false };
  if (old.status === 'RUNNING') {
    // Only an abandoned stop sends a run back to RUNNING: its savepoint failed and the job goes on.
    const entry = [...old.history].reverse().find((item) => item.status === 'RUNNING');
    const message = `The old run's savepoint failed, the run goes on with version ${upgrade.fromVersion}: ${entry?.detail ?? 'no cause given'}`;
    return { kind: 'fail', error: { code: 'UPGRADE_SAVEPOINT_FAILED', message }, rolledBack: false };
  }
  if (!isTerminal(old.status)) return { kind: 'wait' };
  if (upgrade.mode !== 'savepoint') return { kind: 'start', fromStopSavepoint: null };
  if (old.status === 'STOPPED' && old.savepointPath) return { kind: 'start', fromStopSavepoint: old.savepointPath };
  // Flink took the job down without the savepoint: the old version runs again from the newest state there is.
  const cause = old.error ?? { code: 'UPGRADE_SAVEPOINT_FAILED', message: `Run ${old.id} ended ${old.status} without a savepoint` };
  return { kind: 'roll-back', cause: { code: 'UPGRADE_SAVEPOINT_FAILED', message: cause.message }, failedRunId: old.id, latestState: true };
}

function startingStep(upgrade: Upgrade, started: Execution | undefined, now: Date, stableMs: number): UpgradeStep {
  if (!started) return { kind: 'wait' };
  switch (started.status) {
    case 'RUNNING': {
      const since = started.startedAt?.getTime() ?? now.getTime();
      return now.getTime() - since >= stableMs ? { kind: 'succeed' } : { kind: 'wait' };
    }
    // A bounded program may finish within the window: it ran.
    case 'SUCCEEDED':
      return { kind: 'succeed' };
    case 'FAILED': {
      const cause = started.error ?? { code: 'FLINK_JOB_FAILED', message: `Run ${started.id} failed` };
      return { kind: 'roll-back', cause, failedRunId: started.id, latestState: false };
    }
    case 'STOPPED': {
      // Someone stopped the new run: that is theirs to decide, no rollback.
      const message = `The new version's run ${started.id} was stopped before it ran stable`;
      return { kind: 'fail', error: { code: 'UPGRADE_RUN_STOPPED', message }, rolledBack: false };
    }
    default:
      return { kind: 'wait' };
  }
}

function rollingBackStep(upgrade: Upgrade, { started, rollback }: UpgradeRuns): UpgradeStep {
  const cause = upgrade.error ?? { code: 'UPGRADE_FAILED', message: 'The upgrade failed' };
  // A new run that kept restarting is cancelled first: the rollback starts once it let go of the job's slot.
  if (!upgrade.rollbackExecutionId) {
    if (!started || !isTerminal(started.status)) return { kind: 'wait' };
    return { kind: 'roll-back', cause, failedRunId: started.id, latestState: false };
  }
  if (!rollback) return { kind: 'wait' };
  if (rollback.status === 'RUNNING' || rollback.status === 'SUCCEEDED') return { kind: 'fail', error: cause, rolledBack: true };
  if (!isTerminal(rollback.status)) return { kind: 'wait' };
  const why = rollback.error?.message ?? `it ended ${rollback.status}`;
  const message = `${cause.message}; the rollback to version ${upgrade.fromVersion} did not start either: ${why}`;
  return { kind: 'fail', error: { code: 'UPGRADE_ROLLBACK_FAILED', message }, rolledBack: false };
}

/** An upgrade as the API shows it, and as its events carry it. */
export function upgradeResource(upgrade: Upgrade) {
  const { restoredFrom, createdAt, updatedAt, ...rest } = upgrade;
  return {
    ...rest,
    restoredFrom: restoredFrom?.savepointPath ?? null,
    restoredFromKind: restoredFrom ? (restoredFrom.kind ?? 'savepoint') : null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export type UpgradeResource = ReturnType<typeof upgradeResource>;
