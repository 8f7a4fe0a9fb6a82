/**
 * Uploads a generated JAR of 1 GiB (or JAR_UPLOAD_MIB) to a Flink JobManager through FlinkRestCluster and prints
 * how much the process's resident memory grew meanwhile: it stays flat when the upload streams from disk.
 *
 *   npx tsx bench/jar-upload-memory.ts            # Flink at TEST_FLINK_URL, default http://127.0.0.1:8081
 *
 * Flink only checks that an upload's name ends in `.jar`, so the file is random bytes, not a real JAR. It is
 * written to the OS temp directory and removed afterwards, and the upload is deleted from the JobManager.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { FlinkRestCluster } from '../adapters/output/flink/flink-rest-cluster.js';

const MIB = 1024 * 1024;
const baseUrl = process.env.TEST_FLINK_URL ?? 'http://127.0.0.1:8081';
const sizeMib = Number(process.env.JAR_UPLOAD_MIB ?? 1024);

async function writeFile(path: string, mib: number): Promise<void> {
  const block = randomBytes(MIB);
  const out = createWriteStream(path);
  for (let written = 0; written < mib; written++) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Samples resident memory every 20 ms until stopped; resolves with the highest value seen. */
function samplePeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const dir = await mkdtemp(join(tmpdir(), 'jar-upload-bench-'));
const jarPath = join(dir, 'bench.jar');
const flink = new FlinkRestCluster({ baseUrl });
try {
  const { version } = await flink.overview();
  await writeFile(jarPath, sizeMib);
  const before = process.memoryUsage().rss;
  const sampler = samplePeakRss();
  const started = performance.now();
  const jarId = await flink.uploadJar(jarPath, 'bench.jar');
  const seconds = (performance.now() - started) / 1000;
  const peak = sampler.stop();
  await flink.deleteJar(jarId);
  console.table([
    {
      flink: version,
      'file size (MiB)': sizeMib,
      'RSS before (MiB)': +(before / MIB).toFixed(1),
      'peak RSS growth (MiB)': +((peak - before) / MIB).toFixed(1),
      'duration (s)': +seconds.toFixed(2),
      'throughput (MiB/s)': Math.round(sizeMib / seconds),
    },
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
