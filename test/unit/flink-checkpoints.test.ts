import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { retainedSnapshotOf, type CheckpointingStatisticsBody } from '../../adapters/output/flink/flink-checkpoints.js';

/** `GET /jobs/:jobid/checkpoints` as local Flink 1.20.5 and 2.3.0 clusters answered it; see fixtures/flink/README.md. */
function statistics(version: string, name: string): CheckpointingStatisticsBody {
  return JSON.parse(readFileSync(new URL(`./fixtures/flink/${version}/${name}.json`, import.meta.url), 'utf8'));
}

describe.each(['1.20.5', '2.3.0'])('retained snapshots in the checkpoint statistics of Flink %s', (version) => {
  it('takes the newest completed checkpoint of a job cancelled with RETAIN_ON_CANCELLATION, dated by its last ack', () => {
    const body = statistics(version, 'checkpoints-cancelled-retained');
    const completed = body.latest!.completed!;
    expect(completed.external_path).toMatch(/^file:\/opt\/flink\/checkpoints\/[0-9a-f]{32}\/chk-\d+$/);
    expect(retainedSnapshotOf(body)).toEqual({
      path: completed.external_path,
      kind: 'checkpoint',
      completedAt: new Date(completed.latest_ack_timestamp!),
    });
  });

  it('finds nothing in a job cancelled without retention (its checkpoints discarded) or one without checkpointing', () => {
    const discarded = statistics(version, 'checkpoints-cancelled-not-retained');
    expect(discarded.latest!.completed!.discarded).toBe(true);
    expect(retainedSnapshotOf(discarded)).toBeUndefined();
    expect(retainedSnapshotOf(statistics(version, 'checkpoints-disabled'))).toBeUndefined();
  });

  it('knows what a job restored from: its latest state until it completes a checkpoint of its own', () => {
    const body = statistics(version, 'checkpoints-restored');
    const restored = body.latest!.restored!;
    expect(restored.external_path).toMatch(/\/chk-\d+$/);
    const own = retainedSnapshotOf(body);
    if (body.latest!.completed) {
      expect(own).toMatchObject({ path: body.latest!.completed.external_path, kind: 'checkpoint' });
    } else {
      expect(own).toEqual({ path: restored.external_path, kind: 'checkpoint', completedAt: new Date(restored.restore_timestamp!) });
    }
    const { completed: _completed, ...rest } = body.latest!;
    expect(retainedSnapshotOf({ latest: rest, history: [] })).toMatchObject({ path: restored.external_path, kind: 'checkpoint' });
  });
});

describe('retained snapshots', () => {
  it('never takes a checkpoint kept only in the JobManager, a failed one, or a discarded one, and takes savepoints too', () => {
    const entry = { status: 'COMPLETED', is_savepoint: false, latest_ack_timestamp: 2000, discarded: false };
    expect(retainedSnapshotOf({ latest: { completed: { ...entry, external_path: '<checkpoint-not-externalized>' } } })).toBeUndefined();
    expect(retainedSnapshotOf({ history: [{ ...entry, status: 'FAILED', external_path: 'file:/c/chk-2' }] })).toBeUndefined();
    expect(retainedSnapshotOf({ history: [{ ...entry, discarded: true, external_path: 'file:/c/chk-2' }] })).toBeUndefined();
    const newest = retainedSnapshotOf({
      latest: { completed: { ...entry, external_path: 's3://b/c/chk-2' } },
      history: [{ ...entry, is_savepoint: true, latest_ack_timestamp: 3000, external_path: 's3://b/s/savepoint-1' }],
    });
    expect(newest).toEqual({ path: 's3://b/s/savepoint-1', kind: 'savepoint', completedAt: new Date(3000) });
  });
});
