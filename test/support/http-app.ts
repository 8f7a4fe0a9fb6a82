import { Writable } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import { expect } from 'vitest';
import type { AppConfig } from '../../infrastructure/config.js';
import { loadConfig } from '../../infrastructure/config.js';
import { buildContainer, databaseOf } from '../../infrastructure/container.js';
import type { DatabaseLocation } from '../../infrastructure/database.js';
import type { HttpApp } from '../../infrastructure/http-app.js';
import { createLogger } from '../../infrastructure/logging.js';
import type { ExecutionWorker } from '../../infrastructure/execution-worker.js';
import { TOKENS } from '../../infrastructure/tokens.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from './databases.js';

/** Tests read bodies loosely and assert their shape, so `json()` is untyped here. */
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface TestApp {
  app: HttpApp;
  /** The composition root the app came from: its loops, and the database it opened. */
  container: DependencyContainer;
  /** Every JSON log line the app wrote. */
  logLines: Record<string, unknown>[];
  /** Sends a request; fails the test on any 500, which no input may cause. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<TestResponse>;
  close(): Promise<void>;
}

const defaultConfig = () => loadConfig({ FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9' });

/**
 * The real app from the composition root, on a fresh in-memory PGlite unless told otherwise. Port 9 (discard) is
 * one fetch refuses outright: Flink reads as unreachable, quickly and always.
 */
export async function startTestApp(
  config: AppConfig = defaultConfig(),
  database: DatabaseLocation = { kind: 'pglite', dataDir: null },
): Promise<TestApp> {
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const container = await buildContainer(config, createLogger('info', sink), { database });
  const app = container.resolve<HttpApp>(TOKENS.HttpApp);
  return {
    app,
    container,
    logLines,
    async request(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      const response = await app.request(path, {
        ...rest,
        headers,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
      expect(response.status, `${rest.method ?? 'GET'} ${path} must never answer 500`).not.toBe(500);
      return response;
    },
    close: async () => {
      await container.resolve<ExecutionWorker>(TOKENS.ExecutionWorker).stop(5_000);
      await databaseOf(container).close();
    },
  };
}

/** Asserts an RFC 9457 problem response with this status and code, and returns its body. */
export async function expectProblem(response: TestResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  const problem = await response.json();
  expect(problem).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  expect(problem.type).toMatch(/^urn:problem-type:flink-job-scheduler:/);
  return problem;
}

export interface TestAppBackend {
  name: 'pglite' | 'postgres';
  skipReason: string | undefined;
  /** The app on a fresh database of this kind; `close` also throws the database away. */
  start(config?: AppConfig): Promise<TestApp>;
}

/** The app on both databases: in-memory PGlite, and a scratch PostgreSQL database (skipped when there is none). */
export async function testAppBackends(): Promise<TestAppBackend[]> {
  const skipReason = await postgresSkipReason();
  return [
    { name: 'pglite', skipReason: undefined, start: (config) => startTestApp(config) },
    {
      name: 'postgres',
      skipReason,
      start: async (config) => {
        const scratch = await createScratchDatabase();
        const app = await startTestApp(config, { kind: 'postgres', url: scratch.url });
        return { ...app, close: () => app.close().finally(() => scratch.drop()) };
      },
    },
  ];
}
