import { isExternalPath, kindOfPath, newerPoint, type RestorePoint } from '../../../domain/entities/restore.js';

/** A completed checkpoint or savepoint in `GET /jobs/:jobid/checkpoints` (`latest.completed`, `latest.savepoint`, `history`). */
interface CompletedStatistics {
  status?: string;
  is_savepoint?: boolean;
  latest_ack_timestamp?: number;
  trigger_timestamp?: number;
  external_path?: string | null;
  /** True once Flink deleted it: a checkpoint not retained when its job was cancelled, or one subsumed. */
  discarded?: boolean;
}

/** `latest.restored`: what the job itself started from. */
interface RestoredStatistics {
  restore_timestamp?: number;
  is_savepoint?: boolean;
  external_path?: string | null;
}

/** The part of Flink's CheckpointingStatistics (1.20 and 2.x alike) that tells what a later run can restore from. */
export interface CheckpointingStatisticsBody {
  latest?: {
    completed?: CompletedStatistics | null;
    savepoint?: CompletedStatistics | null;
    restored?: RestoredStatistics | null;
  };
  history?: (CompletedStatistics & { className?: string })[];
}

/**
 * The newest snapshot of a job that a later run can restore from: completed, externalized (`file:/...`, `s3://...`,
 * not `<checkpoint-not-externalized>`) and not discarded. Without one completed since, the snapshot the job itself
 * restored from is still its latest state. Undefined when there is none: checkpointing off, or nothing retained.
 */
export function retainedSnapshotOf(body: CheckpointingStatisticsBody): RestorePoint | undefined {
  const completed = [body.latest?.completed, body.latest?.savepoint, ...(body.history ?? [])]
    .filter((entry): entry is CompletedStatistics => !!entry && isRetained(entry))
    .map(
      (entry): RestorePoint => ({
        path: entry.external_path as string,
        kind: entry.is_savepoint ? 'savepoint' : 'checkpoint',
        completedAt: timestamp(entry.latest_ack_timestamp ?? entry.trigger_timestamp),
      }),
    );
  const newest = completed.reduce<RestorePoint | undefined>(newerPoint, undefined);
  if (newest) return newest;
  const restored = body.latest?.restored;
  if (!restored || !isExternalPath(restored.external_path)) return undefined;
  // Flink marks every restore from a path as a savepoint; a checkpoint's folder says what it is.
  return { path: restored.external_path, kind: kindOfPath(restored.external_path), completedAt: timestamp(restored.restore_timestamp) };
}

function isRetained(entry: CompletedStatistics): boolean {
  return (entry.status ?? 'COMPLETED') === 'COMPLETED' && entry.discarded !== true && isExternalPath(entry.external_path);
}

function timestamp(millis: number | undefined): Date | null {
  return typeof millis === 'number' && millis > 0 ? new Date(millis) : null;
}
