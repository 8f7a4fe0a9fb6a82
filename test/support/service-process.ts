import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The JSON log lines in a process's output. */
export const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Starts the real service entry point (from source, with the node running the tests) on an ephemeral port. */
export function startServiceProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'cmd', 'server.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /"port":(\d+),.*"msg":"service listening"/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: `http://127.0.0.1:${port}`,
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });
}

/**
 * Runs an entry point (the server unless told) to completion and returns its exit code and error output (for
 * start-up failures). A process still running after `timeoutMs` (it started instead of refusing) is killed, and
 * reported with code null.
 */
export async function runServiceToExit(
  env: Record<string, string>,
  entryPoint: 'server.ts' | 'migrate.ts' = 'server.ts',
  timeoutMs = 20_000,
): Promise<{ code: number | null; stderr: string }> {
  const { code, stderr } = await runCommand(entryPoint, [], env, timeoutMs);
  return { code, stderr };
}

/**
 * Runs one of the commands of `cmd/` (from source, with the node running the tests) to completion, with only PATH
 * and `env` in its environment. A command still running after `timeoutMs` is killed, and reported with code null.
 */
export function runCommand(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'cmd', file), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Calls the service's API with a JSON body; fails the test on any 500, which no request may cause. */
export async function callService(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path} must never answer 500`).not.toBe(500);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
