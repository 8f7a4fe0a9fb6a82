import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkRestCluster } from '../../adapters/output/flink/flink-rest-cluster.js';
import { startFlinkStandIn, type FlinkStandIn } from '../support/flink-stand-in.js';

/** Flink 2.3.0's answer for a job cancelled with RETAIN_ON_CANCELLATION; see test/unit/fixtures/flink/README.md. */
const retained = readFileSync(new URL('../unit/fixtures/flink/2.3.0/checkpoints-cancelled-retained.json', import.meta.url), 'utf8');
const CACHE_MS = 400;

describe('retained checkpoints of a job that just ended, read past the JobManager\'s statistics cache', () => {
  const reads: number[] = [];
  let flink: FlinkStandIn;
  let cluster: FlinkRestCluster;

  beforeAll(async () => {
    flink = await startFlinkStandIn({
      flinkVersion: '2.3.0',
      jarId: 'unused.jar',
      handle: (call) => {
        if (call.method !== 'GET' || !/^\/jobs\/[0-9a-f]{32}\/checkpoints$/.test(call.url)) return false;
        reads.push(Date.now());
        call.send(200, retained);
        return true;
      },
    });
    cluster = new FlinkRestCluster({ baseUrl: flink.url, checkpointStatisticsCacheMs: CACHE_MS });
  });

  afterAll(() => flink?.close());

  const jobId = 'a'.repeat(32);

  it('waits until statistics cached before the end have expired, then reads them once', async () => {
    reads.length = 0;
    const endedAt = new Date();
    const snapshot = await cluster.retainedSnapshot(jobId, endedAt);
    expect(snapshot).toMatchObject({ kind: 'checkpoint', path: expect.stringMatching(/\/chk-\d+$/) });
    expect(reads).toHaveLength(1);
    expect(reads[0]! - endedAt.getTime()).toBeGreaterThanOrEqual(CACHE_MS - 5);
  });

  it('reads at once for a job that ended before the cache time, or whose end is not known', async () => {
    reads.length = 0;
    const asked = Date.now();
    await cluster.retainedSnapshot(jobId, new Date(asked - CACHE_MS * 3));
    await cluster.retainedSnapshot(jobId);
    expect(reads).toHaveLength(2);
    expect(Math.max(...reads) - asked).toBeLessThan(CACHE_MS);
  });
});
