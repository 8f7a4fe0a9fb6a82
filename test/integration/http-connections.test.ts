import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { createLogger } from '../../infrastructure/logging.js';
import { startService, type RunningService } from '../../infrastructure/service.js';

/** The real service on loopback (in-memory PGlite), with its log lines parsed. */
async function startOnLoopback() {
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9' });
  const service = await startService(config, createLogger('info', sink), { database: { kind: 'pglite', dataDir: null } });
  return { service, logLines };
}

let running: RunningService | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Writes raw bytes on a new connection; resolves with everything the server sent back before closing it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

describe('requests node refuses before the app sees them', () => {
  it('answers 431 and 400, and logs them as warnings without the request bytes, never as errors', async () => {
    const { service, logLines } = await startOnLoopback();
    running = service;
    const oversized = `GET /livez HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fjs_Zq81secret\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect(await exchange(service.port, oversized)).toMatch(/^HTTP\/1\.1 431 /);
    const badChunks =
      'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n';
    expect(await exchange(service.port, badChunks)).toMatch(/^HTTP\/1\.1 400 /);
    await running.stop();

    const refusals = logLines.filter((line) => line.msg === 'malformed HTTP request refused');
    expect(refusals).toEqual([
      expect.objectContaining({ level: 'warn', status: 431, code: 'HPE_HEADER_OVERFLOW' }),
      expect.objectContaining({ level: 'warn', status: 400, code: 'HPE_INVALID_CHUNK_SIZE' }),
    ]);
    expect(logLines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    expect(logLines.filter((line) => line.status === 500)).toEqual([]);
    expect(JSON.stringify(logLines)).not.toContain('fjs_Zq81secret');
  });
});

interface Outcome {
  sentBeforeStop: boolean;
  status?: number;
  connection?: string;
  error?: string;
}

describe('shutdown during a burst on keep-alive connections', () => {
  it('answers every request sent before stop(), resets none, and says Connection: close to later ones', async () => {
    const { service } = await startOnLoopback();
    running = service;
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const outcomes: Outcome[] = [];
    let stopping: Promise<void> | undefined;
    let written = 0;

    const send = () =>
      new Promise<void>((resolve) => {
        const outcome: Outcome = { sentBeforeStop: false };
        outcomes.push(outcome);
        const request = httpRequest({ host: '127.0.0.1', port: service.port, path: '/api/v1/jobs?limit=1', agent }, (response) => {
          outcome.status = response.statusCode;
          outcome.connection = response.headers.connection;
          response.resume();
          response.on('end', resolve);
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          outcome.error = error.code ?? error.message;
          resolve();
        });
        // Stopping here, as the request is written, leaves it unread on a connection the server sees as idle.
        request.on('finish', () => {
          outcome.sentBeforeStop = stopping === undefined;
          if (++written === 60) stopping = service.stop();
        });
        request.end();
      });
    const client = async () => {
      while (!stopping) await send();
      await send(); // one more after the stop: on a connection still open, or refused
    };
    await Promise.all(Array.from({ length: 6 }, client));
    await Promise.race([stopping, new Promise((_, reject) => setTimeout(() => reject(new Error('stop() hung')), 10_000))]);
    running = undefined;
    agent.destroy();

    const before = outcomes.filter((outcome) => outcome.sentBeforeStop);
    expect(before.length).toBeGreaterThanOrEqual(60);
    expect(before.filter((outcome) => outcome.status !== 200)).toEqual([]);
    const after = outcomes.filter((outcome) => !outcome.sentBeforeStop);
    expect(after.length).toBeGreaterThan(0);
    for (const outcome of after) {
      if (outcome.status !== undefined) expect(outcome).toMatchObject({ status: 200, connection: 'close' });
      else expect(outcome.error).toBe('ECONNREFUSED');
    }
    expect(after.some((outcome) => outcome.connection === 'close'), 'a later request on an open connection').toBe(true);
  });
});
