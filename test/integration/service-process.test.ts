import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServiceToExit, startServiceProcess } from '../support/service-process.js';

const dataDir = await mkdtemp(join(tmpdir(), 'fjs-process-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('the service process on embedded PGlite', () => {
  it('keeps a job created over HTTP across a restart, and exits 0 on SIGTERM', async () => {
    const first = await startServiceProcess({ DATA_DIR: dataDir });
    const created = await fetch(`${first.baseUrl}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'survivor', jarURL: '/jars/survivor.jar', entryClass: 'com.example.Survivor' }),
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: string };
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('"msg":"service stopped"');

    const second = await startServiceProcess({ DATA_DIR: dataDir });
    try {
      expect((await fetch(`${second.baseUrl}/readyz`)).status).toBe(200);
      const read = await fetch(`${second.baseUrl}/api/v1/jobs/${job.id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual(job);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });

  it('writes JSON log lines that carry the request id', async () => {
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    await fetch(`${service.baseUrl}/health`, { headers: { 'X-Request-Id': 'process-log-check' } });
    await service.stop();
    const line = service
      .output()
      .split('\n')
      .filter((text) => text.includes('process-log-check'))
      .map((text) => JSON.parse(text))[0];
    expect(line).toMatchObject({ level: 'info', requestId: 'process-log-check', path: '/health', status: 200 });
  });
});

describe('start-up with bad configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'not-a-url' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
  ])('exits non-zero with one line naming the variable for %j', async (env, variable) => {
    const { code, stderr } = await runServiceToExit({ ...env, DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid ${variable}=`));
  });

  it('exits 1 with a log line when PostgreSQL cannot be reached', async () => {
    const service = startServiceProcess({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(service).rejects.toThrow(/exited with 1 before listening[\s\S]*service failed to start/);
  });
});
