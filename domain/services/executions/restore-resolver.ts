import { mayBeOnFlink, type Execution, type RestoreSettings } from '../../entities/execution.js';
import { jobRestore, type Job } from '../../entities/job.js';
import {
  kindOfPath,
  newerPoint,
  restores,
  strategyName,
  type JobRestore,
  type RestorePoint,
} from '../../entities/restore.js';
import { NoSavepointError } from '../../errors.js';
import type { StartOptions } from '../../ports/input/job-executions.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { SavepointRepository } from '../../ports/output/savepoint-repository.js';

/** What a run restores from, and the history's account of which strategy picked it (or found nothing). */
export interface ResolvedRestore {
  restoredFrom: RestoreSettings | null;
  detail: string;
}

/** Earlier runs whose retained checkpoints are looked up on Flink, newest first: one call each. */
const RUNS_LOOKED_AT = 5;

/**
 * Restore strategies turned into the snapshot a run starts from. A manual start resolves its own strategy (or the
 * job's) when it is stored; any other run (a tick, a retry) resolves the job's strategy when it launches, so that
 * a retry after a back-off takes the newest state there is by then.
 */
export class RestoreResolver {
  constructor(
    private readonly executions: Pick<ExecutionRepository, 'latestSavepoint' | 'list'>,
    private readonly flink: Pick<FlinkCluster, 'retainedSnapshot'>,
    /** The savepoint catalog: savepoints taken on request and periodic ones too, dated by their completion. */
    private readonly savepoints: Pick<SavepointRepository, 'findCompletedForJob'>,
  ) {}

  /** A manual start: the strategy the start names, else the job's; undefined when neither restores. */
  async forStart(job: Job, options: StartOptions): Promise<ResolvedRestore | undefined> {
    const asked = options.restore ?? (options.savepointPath ? { savepointPath: options.savepointPath } : undefined);
    const fallback = jobRestore(job);
    const restore: JobRestore = {
      strategy: asked ?? (options.fromLastSavepoint ? 'latest-savepoint' : (fallback?.strategy ?? 'none')),
      allowNonRestoredState: options.allowNonRestoredState ?? fallback?.allowNonRestoredState ?? false,
      claimMode: options.claimMode ?? fallback?.claimMode ?? 'NO_CLAIM',
    };
    if (!restores(restore.strategy)) return fallback ? this.resolve(job.id, restore) : undefined;
    const resolved = await this.resolve(job.id, restore);
    // fromLastSavepoint has always refused to start when there is no savepoint; `restore` starts without state.
    if (options.fromLastSavepoint && !resolved.restoredFrom) throw new NoSavepointError(job.id);
    return resolved;
  }

  /**
   * A run other than a manual start, about to be submitted: the strategy of `job` (as the run runs it: its own
   * version's definition), when the run has no restore of its own yet and cannot be on Flink (a resumed submit keeps
   * what it announced). Undefined: nothing to resolve.
   */
  async atLaunch(execution: Execution, job: Job): Promise<ResolvedRestore | undefined> {
    const restore = jobRestore(job);
    // An upgrade's run starts from what the upgrade decided (nothing, for `stateless`).
    const decided = execution.trigger === 'manual' || execution.trigger === 'upgrade';
    if (!restore || decided || execution.restoredFrom || mayBeOnFlink(execution)) return undefined;
    return this.resolve(job.id, restore, execution.id);
  }

  /**
   * The newest savepoint or retained checkpoint of the job, as `latest-state` picks it, with the restore options of
   * `job` (the definition the run will run): what an upgrade in `last-state` mode starts from.
   */
  latestState(job: Job): Promise<ResolvedRestore> {
    return this.resolve(job.id, { strategy: 'latest-state', allowNonRestoredState: job.allowNonRestoredState, claimMode: job.claimMode });
  }

  private async resolve(jobId: string, restore: JobRestore, runId?: string): Promise<ResolvedRestore> {
    const { strategy } = restore;
    const name = `restore '${strategyName(strategy)}'`;
    if (!restores(strategy)) return { restoredFrom: null, detail: `${name}: started without state` };
    const point =
      typeof strategy === 'object'
        ? { path: strategy.savepointPath, kind: kindOfPath(strategy.savepointPath), completedAt: null }
        : await this.latest(jobId, strategy, runId);
    if (!point) {
      const sought = strategy === 'latest-state' ? 'no savepoint or retained checkpoint' : 'no savepoint';
      return { restoredFrom: null, detail: `${name}: ${sought} of an earlier run found, started without state` };
    }
    const { allowNonRestoredState, claimMode } = restore;
    return {
      restoredFrom: { savepointPath: point.path, allowNonRestoredState, kind: point.kind, claimMode },
      detail: `${name}: restoring from ${point.kind} ${point.path}`,
    };
  }

  /** The newest savepoint of the job, or for `latest-state` that or the newest retained checkpoint, whichever is newer. */
  private async latest(jobId: string, strategy: 'latest-savepoint' | 'latest-state', runId?: string): Promise<RestorePoint | undefined> {
    const [path, recent, catalog] = await Promise.all([
      this.executions.latestSavepoint(jobId),
      this.executions.list({ jobId, limit: RUNS_LOOKED_AT * 4 }),
      this.savepoints.findCompletedForJob(jobId),
    ]);
    // A run's own savepoint (a stop's, also from before the catalog), or the catalog's newest: whichever is newer.
    const newest = (checkpoints: boolean) =>
      catalog
        .filter((entry) => entry.path && (entry.origin === 'RETAINED_CHECKPOINT') === checkpoints)
        .map((entry): RestorePoint => ({ path: entry.path!, kind: checkpoints ? 'checkpoint' : 'savepoint', completedAt: entry.completedAt }))
        .reduce<RestorePoint | undefined>(newerPoint, undefined);
    const savepoint = newerPoint(path ? savepointOf(path, recent) : undefined, newest(false));
    if (strategy === 'latest-savepoint') return savepoint;
    // Retained checkpoints: the catalog's (kept after Flink forgot their jobs) and those Flink reports now.
    const checkpoint = newerPoint(newest(true), await this.latestCheckpoint(recent.filter((run) => run.id !== runId)));
    return newerPoint(savepoint, checkpoint);
  }

  /** The newest retained checkpoint of the recent runs on Flink: the newest run that has one has the newest. */
  private async latestCheckpoint(recent: Execution[]): Promise<RestorePoint | undefined> {
    for (const run of recent.filter(mayBeOnFlink).slice(0, RUNS_LOOKED_AT)) {
      const found = await this.flink.retainedSnapshot(run.flinkJobId, run.endedAt);
      if (found) return found;
    }
    return undefined;
  }
}

/** The savepoint at `path`, dated by the run that took it when that run is among the recent ones. */
function savepointOf(path: string, recent: Execution[]): RestorePoint {
  const takenBy = recent.find((run) => run.savepointPath === path);
  // Not taken by a recent run: older than all of them, so a checkpoint of any of them is newer (see newerPoint).
  return { path, kind: 'savepoint', completedAt: takenBy?.endedAt ?? null };
}
