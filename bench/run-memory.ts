/**
 * Memory of the service while it runs a job with a 1 GiB JAR: the service process (built, started as users start
 * it) downloads the JAR from a stand-in data processor and uploads it to Flink; its resident memory is sampled
 * from /proc every 20 ms. Both transfers stream, so the growth stays small whatever the JAR's size.
 *
 *   npm run build && npm run flink:up
 *   npx tsx bench/run-memory.ts        # JAR_MIB=1024, FLINK_URL=http://127.0.0.1:8081
 *
 * The JAR is random bytes (Flink checks only the name on upload), so the run ends FAILED at submission: the
 * download and the upload are what is measured. The file and the upload are removed afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJarServer } from '../scripts/jar-server.js';

const MIB = 1024 * 1024;
const jarMib = Number(process.env.JAR_MIB ?? 1024);
const flinkUrl = process.env.FLINK_URL ?? 'http://127.0.0.1:8081';
const port = Number(process.env.BENCH_PORT ?? 18087);
const base = `http://127.0.0.1:${port}`;

if (!existsSync('dist/cmd/server.js')) throw new Error('run npm run build first');

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const dir = await mkdtemp(join(tmpdir(), 'fjs-run-memory-'));
const jarPath = join(dir, 'big.jar');
const block = randomBytes(MIB);
const out = createWriteStream(jarPath);
for (let i = 0; i < jarMib; i++) if (!out.write(block)) await once(out, 'drain');
out.end();
await once(out, 'finish');

const jars = await startJarServer(jarPath);
const service = spawn(process.execPath, ['dist/cmd/server.js'], {
  env: {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: join(dir, 'data'),
    FLINK_JOBMANAGER_URL: flinkUrl,
    DATA_PROCESSOR_URL: jars.url,
    JAR_MAX_BYTES: String(4 * 1024 * MIB),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

try {
  for (let i = 0; i < 100 && !(await fetch(`${base}/readyz`).then((r) => r.ok, () => false)); i++) await sleep(200);
  const job = await api('POST', '/api/v1/jobs', { name: `memory-${Date.now()}`, jarURL: '/jars/big.jar', entryClass: 'com.example.Big' });
  await api('GET', '/health'); // warm the Flink client before measuring
  await sleep(500);
  const before = rssOf(service.pid!);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(service.pid!))), 20);
  const execution = await api('POST', `/api/v1/jobs/${job.id}/start`);
  let ended: any;
  for (;;) {
    ended = await api('GET', `/api/v1/executions/${execution.id}`);
    if (['SUCCEEDED', 'FAILED', 'STOPPED'].includes(ended.status)) break;
    await sleep(100);
  }
  clearInterval(sampler);
  const at = (status: string) => Date.parse(ended.history.find((entry: { status: string }) => entry.status === status).at);
  if (ended.flinkJarId) await fetch(`${flinkUrl}/jars/${ended.flinkJarId}`, { method: 'DELETE' });
  const version = ((await (await fetch(`${flinkUrl}/config`)).json()) as Record<string, string>)['flink-version'];
  console.log(`\nService memory while running a job with a ${jarMib} MiB JAR (Flink ${version})\n`);
  console.log('| JAR (MiB) | RSS before (MiB) | peak RSS (MiB) | peak growth (MiB) | download (s) | upload (s) | goal      |');
  console.log('| --------- | ---------------- | -------------- | ----------------- | ------------ | ---------- | --------- |');
  const growth = (peak - before) / MIB;
  console.log(
    `| ${String(jarMib).padStart(9)} | ${(before / MIB).toFixed(1).padStart(16)} | ${(peak / MIB).toFixed(1).padStart(14)} | ` +
      `${growth.toFixed(1).padStart(17)} | ${((at('UPLOADING') - at('DOWNLOADING')) / 1000).toFixed(1).padStart(12)} | ` +
      `${((at('SUBMITTING') - at('UPLOADING')) / 1000).toFixed(1).padStart(10)} | ${growth <= 64 ? '<= 64 MET' : '> 64 MISS'} |`,
  );
  if (!ended.history.some((entry: { status: string }) => entry.status === 'SUBMITTING')) {
    throw new Error(`the run did not get through the upload: ${JSON.stringify(ended.error)}`);
  }
} finally {
  service.kill('SIGTERM');
  await once(service, 'exit');
  await jars.close();
  await rm(dir, { recursive: true, force: true });
}
