import { execFile } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const TEST_FLINK_URL = process.env.TEST_FLINK_URL ?? 'http://127.0.0.1:8081';
export const TEST_JOB_JAR = join(projectRoot, 'test', 'flink-job', 'target', 'flink-test-job.jar');
export const TEST_JOB_CLASS = 'com.example.flinkjob.TestJob';

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

/** A stand-in for the data processor: serves the test job JAR at /jars/<anything>.jar, counting requests. */
export async function startJarServer(jarPath = TEST_JOB_JAR): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (!request.url?.endsWith('.jar')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/java-archive', 'Content-Length': statSync(jarPath).size });
    createReadStream(jarPath).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
