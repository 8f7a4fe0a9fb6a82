import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const TEST_FLINK_URL = process.env.TEST_FLINK_URL ?? 'http://127.0.0.1:8081';

/** Why the Flink suites cannot run, or undefined. Under CI=true an absent cluster fails instead of skipping. */
export async function flinkSkipReason(): Promise<string | undefined> {
  try {
    const response = await fetch(`${TEST_FLINK_URL}/overview`, { signal: AbortSignal.timeout(3000) });
    if (response.ok) return undefined;
    throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    const reason = `no Flink cluster at ${TEST_FLINK_URL} (${(error as Error).message}); run npm run test:e2e`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
    console.warn(`Skipping Flink suite: ${reason}`);
    return reason;
  }
}

/** The local cluster's work folder (savepoints live under it), as `flink-local.sh path` prints it. */
export async function flinkWorkDir(): Promise<string> {
  return process.env.TEST_FLINK_WORK_DIR ?? (await flinkLocal('path')).trim();
}

/** Runs a command of the local cluster script (stop-jobmanager, start-jobmanager, ...) for the cluster under test. */
export async function flinkLocal(...args: string[]): Promise<string> {
  const port = new URL(TEST_FLINK_URL).port || '8081';
  const { stdout } = await promisify(execFile)('bash', [join(projectRoot, 'scripts', 'flink-local', 'flink-local.sh'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, FLINK_REST_PORT: port },
    timeout: 240_000,
  });
  return stdout;
}

export async function flinkGet<T = any>(path: string): Promise<T> {
  const response = await fetch(`${TEST_FLINK_URL}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.json() as Promise<T>;
}

/** Waits until Flink runs every task of the job, not just the job: a savepoint needs them all running. */
export function flinkTasksRunning(flinkJobId: string) {
  return waitFor(
    () => flinkGet<{ state: string; vertices: { status: string }[] }>(`/jobs/${flinkJobId}`),
    (job) => job.state === 'RUNNING' && job.vertices.every((vertex) => vertex.status === 'RUNNING'),
    60_000,
    `Flink job ${flinkJobId} running`,
  );
}

/** The count the test job's `unbounded` mode last wrote to its `progress-file`; 0 before it wrote one. */
export function testJobCount(progressFile: string): number {
  return existsSync(progressFile) ? Number(readFileSync(progressFile, 'utf8')) : 0;
}

/** The lines of every committed part file under `folder` (FileSink writes `<bucket>/part-*`), sorted. */
export async function committedLines(folder: string): Promise<{ files: string[]; lines: string[] }> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const lines: string[] = [];
  for (const file of files.filter((path) => !path.split('/').pop()!.startsWith('.'))) {
    lines.push(...(await readFile(file, 'utf8')).split('\n').filter((line) => line !== ''));
  }
  return { files, lines: lines.sort() };
}
