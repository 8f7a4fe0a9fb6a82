import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { createLogger } from '../../infrastructure/logging.js';
import { startService, type RunningService } from '../../infrastructure/service.js';
import { waitFor } from '../support/wait.js';

const PROBE_INTERVAL_MS = 200;

/** A JobManager stand-in on loopback that hangs (takes the request, never answers) or answers /overview. */
async function startFlinkStandIn() {
  let hanging = true;
  let connections = 0;
  const server = createServer((request, response) => {
    if (hanging) return;
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ 'flink-version': '1.20.5', 'slots-available': 4 }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    answer: () => (hanging = false),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('/health with a Flink JobManager that hangs', () => {
  let flink: Awaited<ReturnType<typeof startFlinkStandIn>>;
  let service: RunningService;
  let baseUrl: string;
  const messages: string[] = [];

  beforeAll(async () => {
    flink = await startFlinkStandIn();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      FLINK_JOBMANAGER_URL: flink.url,
      HEALTH_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS),
      HEALTH_PROBE_TIMEOUT_MS: '100',
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        messages.push(...String(chunk).split('\n').filter(Boolean).map((line) => JSON.parse(line).msg as string));
        done();
      },
    });
    service = await startService(config, createLogger('info', sink), { database: { kind: 'pglite', dataDir: null } });
    baseUrl = `http://127.0.0.1:${service.port}`;
  });
  afterAll(async () => {
    await service?.stop();
    await flink?.close();
  });

  /** One health check, given far less time than a hanging Flink call would take (10 s before the fix). */
  const health = async () => {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; database: string; flink: { reachable: boolean; version: string | null } };
  };

  it('answers at once from the last probe, and calls Flink once per probe interval, not once per check', async () => {
    expect(await health()).toMatchObject({ status: 'degraded', database: 'ok', flink: { reachable: false, version: null } });

    const connectionsBefore = flink.connections();
    const started = performance.now();
    const reports = [];
    for (let i = 0; i < 20; i++) reports.push(...(await Promise.all([health(), health(), health()])));
    const elapsedMs = performance.now() - started;
    expect(elapsedMs, '60 health checks').toBeLessThan(1_000 * 5);
    expect(reports.every((report) => report.flink.reachable === false)).toBe(true);
    // One probe (one connection to a hanging Flink) per interval, whatever the number of checks.
    expect(flink.connections() - connectionsBefore).toBeLessThanOrEqual(Math.ceil(elapsedMs / PROBE_INTERVAL_MS) + 1);
  });

  it('reports Flink again once it answers', async () => {
    flink.answer();
    const report = await waitFor(health, (each) => each.flink.reachable, 5_000, 'Flink reachable in /health');
    expect(report).toMatchObject({ status: 'ok', flink: { reachable: true, version: '1.20.5' } });
    // Said once when lost and once when back, not at every probe.
    expect(messages.filter((message) => /^Flink/.test(message))).toEqual(['Flink JobManager unreachable', 'Flink reachable again']);
  });
});
