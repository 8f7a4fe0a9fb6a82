import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callService, logLines, runServiceToExit, startServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

const dataDir = await mkdtemp(join(tmpdir(), 'fjs-process-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));
const freshDataDir = () => mkdtemp(join(dataDir, 'data-'));

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

  it('exits 2 with one line naming the port and host when the port is in use, and leaves the folder free', async () => {
    const holder = createServer();
    await new Promise<void>((listening) => holder.listen(0, '127.0.0.1', listening));
    const port = (holder.address() as AddressInfo).port;
    const folder = await freshDataDir();
    try {
      const { code, stderr } = await runServiceToExit({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: folder });
      expect(code).toBe(2);
      expect(stderr).toBe(`port ${port} on 127.0.0.1 is in use; set PORT to a free port, or stop the process that holds it\n`);
      await expect(stat(join(resolve(folder), 'pglite.lock'))).rejects.toThrow('ENOENT');
    } finally {
      await new Promise((closed) => holder.close(closed));
    }
  });

  it('exits 1 with a log line when PostgreSQL cannot be reached', async () => {
    const service = startServiceProcess({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(service).rejects.toThrow(/exited with 1 before listening[\s\S]*service failed to start/);
  });
});

describe('serving without API keys', () => {
  it('listens on 127.0.0.1 when HOST is not set', async () => {
    const service = await startServiceProcess({ HOST: '', DATA_DIR: await freshDataDir() });
    expect(await service.stop()).toBe(0);
    expect(logLines(service.output()).find((line) => line.msg === 'service listening')).toMatchObject({ host: '127.0.0.1' });
  });

  it('refuses a non-loopback HOST with one line saying why, before opening anything', async () => {
    const folder = await freshDataDir();
    const { code, stderr } = await runServiceToExit({ HOST: '0.0.0.0', PORT: '0', DATA_DIR: folder });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'Invalid HOST="0.0.0.0": without API_KEYS_FILE the service listens only on a loopback address (127.0.0.0/8, ::1, ' +
        'localhost); set API_KEYS_FILE (keys from npm run keys:create), or AUTH_DISABLED=true to serve without authentication\n',
    );
    await expect(stat(join(folder, 'pglite'))).rejects.toThrow('ENOENT');
  });

  it('serves on 0.0.0.0 with AUTH_DISABLED=true, with a warning at start', async () => {
    const service = await startServiceProcess({ HOST: '0.0.0.0', AUTH_DISABLED: 'true', DATA_DIR: await freshDataDir() });
    try {
      expect((await fetch(`${service.baseUrl}/livez`)).status).toBe(200);
    } finally {
      await service.stop();
    }
    expect(logLines(service.output())).toContainEqual(
      expect.objectContaining({ level: 'warn', host: '0.0.0.0', msg: expect.stringContaining('without authentication') }),
    );
  });
});

describe('one process per PGlite folder', () => {
  it('refuses a second process on the DATA_DIR of a running one, and starts again after that one is killed', async () => {
    const folder = await freshDataDir();
    const pglite = join(resolve(folder), 'pglite');
    const first = await startServiceProcess({ DATA_DIR: folder });
    let job: { id: string };
    try {
      const created = await callService(first.baseUrl, 'POST', '/api/v1/jobs', {
        name: 'only-one',
        jarURL: '/jars/one.jar',
        entryClass: 'com.example.One',
      });
      expect(created.status).toBe(201);
      job = created.body as { id: string };

      const second = await runServiceToExit({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: folder });
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(
        `The PGlite folder ${pglite} is in use by process ${first.child.pid} (lock file ${pglite}.lock): stop that ` +
          'process, or set another DATA_DIR (several replicas need PostgreSQL: DATABASE_URL)\n',
      );
      expect((await fetch(`${first.baseUrl}/api/v1/jobs/${job.id}`)).status, 'the first one goes on').toBe(200);
    } finally {
      await first.stop('SIGKILL');
    }

    expect(await readFile(`${pglite}.lock`, 'utf8'), 'the lock the killed process left').toBe(`${first.child.pid}\n`);
    const third = await startServiceProcess({ DATA_DIR: folder });
    try {
      expect((await fetch(`${third.baseUrl}/api/v1/jobs/${job.id}`)).status).toBe(200);
      expect(await readFile(`${pglite}.lock`, 'utf8')).toBe(`${third.child.pid}\n`);
    } finally {
      expect(await third.stop()).toBe(0);
    }
    await expect(stat(`${pglite}.lock`), 'released at a clean stop').rejects.toThrow('ENOENT');
  });
});

describe('JAR_FETCH_CREDENTIALS_FILE', () => {
  it('sends the token to its JAR host, and never shows it in a response, a log line or an error', async () => {
    const token = 'tok-SECRET-4f9c2b';
    const seen: (string | undefined)[] = [];
    const jarHost = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(request.url === '/jars/denied.jar' ? 403 : 200, { 'content-type': 'application/java-archive' });
      response.end('PK not really a JAR');
    });
    await new Promise<void>((listening) => jarHost.listen(0, '127.0.0.1', listening));
    const jarHostUrl = `http://127.0.0.1:${(jarHost.address() as AddressInfo).port}`;
    const folder = await freshDataDir();
    const credentialsFile = join(folder, 'jar-credentials');
    await writeFile(credentialsFile, `# JAR hosts\n${jarHostUrl.slice('http://'.length)} bearer ${token}\nrepo.example basic ci:pw-SECRET\n`);

    const malformed = join(folder, 'malformed');
    await writeFile(malformed, `repo.example bearer\nrepo.example token ${token}\n`);
    const refused = await runServiceToExit({ JAR_FETCH_CREDENTIALS_FILE: malformed, DATA_DIR: folder });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^Invalid JAR_FETCH_CREDENTIALS_FILE="[^"]+": line 1: expected .*\n$/);
    expect(refused.stderr).not.toContain('SECRET');

    const service = await startServiceProcess({
      DATA_DIR: folder,
      DATA_PROCESSOR_URL: jarHostUrl,
      JAR_FETCH_CREDENTIALS_FILE: credentialsFile,
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'trace',
    });
    const bodies: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${service.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      bodies.push(`${response.status} ${[...response.headers].join(' ')} ${text}`);
      return JSON.parse(text);
    };
    try {
      const errors: Record<string, string> = {};
      for (const jar of ['fetched', 'denied']) {
        const job = await call('POST', '/api/v1/jobs', { name: jar, jarURL: `/jars/${jar}.jar`, entryClass: 'com.example.Main' });
        const run = await call('POST', `/api/v1/jobs/${job.id}/start`);
        const ended = await waitFor(() => call('GET', `/api/v1/executions/${run.id}`), (e) => e.status === 'FAILED', 20_000);
        errors[jar] = `${ended.error.code}: ${ended.error.message}`;
        await call('GET', `/api/v1/jobs/${job.id}`);
        await call('GET', `/api/v1/jobs/${job.id}/executions`);
      }
      expect(errors).toEqual({
        fetched: expect.stringMatching(/^FLINK_UNREACHABLE: /),
        denied: `JAR_DOWNLOAD_FAILED: Downloading ${jarHostUrl}/jars/denied.jar failed: HTTP 403 Forbidden`,
      });
      await call('GET', '/api/v1/jobs');
    } finally {
      await service.stop();
      jarHost.close();
    }
    expect(seen).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    const basic = Buffer.from('ci:pw-SECRET').toString('base64');
    for (const text of [...bodies, service.output()]) {
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain(basic);
    }
    expect(logLines(service.output()).length, 'trace logging was on').toBeGreaterThan(10);
  });
});

