/**
 * Where a run takes its state from. `none`: no state; `latest-savepoint`: the newest savepoint a run of the job
 * took; `latest-state`: that or the newest retained (externalized) checkpoint of an earlier run, whichever is
 * newer; `{ savepointPath }`: that savepoint or retained checkpoint, and nothing else.
 */
export type RestoreStrategy = 'none' | 'latest-savepoint' | 'latest-state' | { savepointPath: string };

export const RESTORE_STRATEGY_NAMES = ['none', 'latest-savepoint', 'latest-state'] as const;

/**
 * Flink's claim mode for the restored snapshot: NO_CLAIM (Flink's default since 1.15) leaves it to its owner and
 * takes a full snapshot first; CLAIM makes the new job own it (and delete it once it is subsumed).
 */
export type ClaimMode = 'CLAIM' | 'NO_CLAIM';

export const CLAIM_MODES: readonly ClaimMode[] = ['CLAIM', 'NO_CLAIM'];

/** How a job's runs restore when nothing else is asked: its definition's `restore`, `allowNonRestoredState`, `claimMode`. */
export interface JobRestore {
  strategy: RestoreStrategy;
  allowNonRestoredState: boolean;
  claimMode: ClaimMode;
}

export type SnapshotKind = 'savepoint' | 'checkpoint';

/** A snapshot a run may restore from: where it is, what it is, and when it was completed (when known). */
export interface RestorePoint {
  path: string;
  kind: SnapshotKind;
  completedAt: Date | null;
}

/** The strategy as the history and the API name it. */
export function strategyName(strategy: RestoreStrategy): string {
  return typeof strategy === 'string' ? strategy : 'savepointPath';
}

/** Whether the strategy looks anything up: `none` does not, and neither does no strategy at all. */
export function restores(strategy: RestoreStrategy | null | undefined): strategy is Exclude<RestoreStrategy, 'none'> {
  return strategy !== undefined && strategy !== null && strategy !== 'none';
}

/** The newer of two restore points; a point of unknown age loses to one whose age is known. */
export function newerPoint(a: RestorePoint | undefined, b: RestorePoint | undefined): RestorePoint | undefined {
  if (!a || !b) return a ?? b;
  if (!b.completedAt) return a;
  if (!a.completedAt) return b;
  return b.completedAt > a.completedAt ? b : a;
}

/**
 * Whether Flink can restore from a checkpoint at `path`: an externalized one has a URI such as `file:///...` or
 * `s3://...`; Flink reports `<checkpoint-not-externalized>` for one kept only in the JobManager's memory.
 */
export function isExternalPath(path: string | null | undefined): path is string {
  return typeof path === 'string' && /^[a-z][a-z0-9+.-]*:\/\/?\S/i.test(path);
}

/** What a snapshot at `path` is, by Flink's folder names: checkpoints live in `.../chk-<n>`. */
export function kindOfPath(path: string): SnapshotKind {
  return /\/chk-\d+\/?$/.test(path) ? 'checkpoint' : 'savepoint';
}
