import { Writable } from 'node:stream';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { loadConfig } from '../../infrastructure/config.js';
import { createLogger } from '../../infrastructure/logging.js';
import { startService, type RunningService } from '../../infrastructure/service.js';
import { postgresSkipReason } from '../support/databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const skipReason = await postgresSkipReason();
const CONNECT_TIMEOUT_MS = 300;
const STATEMENT_TIMEOUT_MS = 1_000;
/** How long a connection may stay silent with a query waiting: the statement timeout and a second (postgres-client.ts). */
const SILENCE_MS = STATEMENT_TIMEOUT_MS + 1_000;
/** Room for a loaded machine on top of the bounds asserted. */
const SLACK_MS = 700;

/**
 * The real service on a scratch database of the test server, reached through a proxy the test takes down or
 * silences: the shared server itself is never touched.
 */
describe.skipIf(skipReason)('a PostgreSQL outage', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: TcpProxy;
  let service: RunningService;
  let baseUrl: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const direct = new URL(scratch.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: viaProxy.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      HEALTH_PROBE_INTERVAL_MS: '200',
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    service = await startService(config, createLogger('info', sink));
    baseUrl = `http://127.0.0.1:${service.port}`;
  });
  afterAll(async () => {
    await proxy?.restore();
    await service?.stop();
    await proxy?.close();
    await scratch?.drop();
  });

  /** Lists jobs; resolves with the status and how long the answer took (the test gives up after 10 s). */
  async function listJobs(): Promise<{ status: number; code?: string; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/api/v1/jobs`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { code?: string };
    return { status: response.status, code: body.code, ms: performance.now() - started };
  }

  it('fails requests fast with 503 while the server is down, and serves the first one after it at once', async () => {
    expect((await listJobs()).status).toBe(200);
    await proxy.stop();
    for (let i = 0; i < 20; i++) {
      const during = await listJobs();
      expect(during).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE' });
      // Refused at once; at most the reconnect back-off (0.5 s) before trying.
      expect(during.ms, `request ${i + 1} during the outage`).toBeLessThan(500 + SLACK_MS);
    }
    await proxy.restore();
    const after = await listJobs();
    expect(after.status).toBe(200);
    expect(after.ms, 'the first request after the outage').toBeLessThan(1_000);
  });

  it('cancels a statement that waits past the statement timeout, with 503', async () => {
    const direct = postgres(scratch.url, { max: 1, onnotice: () => {} });
    try {
      await direct.begin(async (transaction) => {
        await transaction`lock table jobs in access exclusive mode`;
        const waiting = await listJobs();
        expect(waiting).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE' });
      });
    } finally {
      await direct.end();
    }
    expect(JSON.stringify(logLines)).toContain('canceling statement due to statement timeout');
    expect((await listJobs()).status).toBe(200);
  });

  it('fails requests fast with 503 while the network is silent, and reconnects once it is back', async () => {
    expect((await listJobs()).status).toBe(200);
    // Open connections go silent under their queries...
    await proxy.blackhole();
    const first = await listJobs();
    expect(first).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE' });
    expect(first.ms, 'a query on a connection gone silent').toBeLessThan(SILENCE_MS + SLACK_MS);
    // ...and new ones hang in their handshake: the connection timeout cuts them short, well before the silence watch.
    await proxy.stop();
    await proxy.blackhole();
    for (let i = 0; i < 3; i++) {
      const during = await listJobs();
      expect(during).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE' });
      expect(during.ms, `request ${i + 1} while connecting hangs`).toBeLessThan(CONNECT_TIMEOUT_MS + 500 + SLACK_MS);
    }
    await proxy.restore();
    // The health probe keeps trying the database in the background: the pool is back without a request paying.
    await waitFor(
      async () => (await fetch(`${baseUrl}/health`)).json() as Promise<{ database: string }>,
      (health) => health.database === 'ok',
      5_000,
      'the database back in /health',
    );
    const after = await listJobs();
    expect(after.status).toBe(200);
    expect(after.ms, 'the first request after the outage').toBeLessThan(1_000);
  });
});
