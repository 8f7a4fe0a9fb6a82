import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines, runCommand, runServiceToExit, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

const root = await mkdtemp(join(tmpdir(), 'fjs-api-keys-'));
afterAll(() => rm(root, { recursive: true, force: true }));
const freshFolder = () => mkdtemp(join(root, 'case-'));

const KEY = /^fjs_[A-Za-z0-9_-]{43}$/;
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
/** How long a running service may take to see a change of its keys file. */
const SEEN_WITHIN_MS = 5_000;

/** `npm run keys:create -- <args>`, run as npm runs it, with API_KEYS_FILE set when `keysFile` is given. */
const keysCreate = (keysFile: string | null, ...args: string[]) =>
  runCommand('keys-create.ts', args, keysFile === null ? {} : { API_KEYS_FILE: keysFile });

async function createKey(keysFile: string, name: string, role: string): Promise<string> {
  const { code, stdout, stderr } = await keysCreate(keysFile, name, role);
  expect({ code, stderr }).toEqual({ code: 0, stderr: `Added '${name}' (${role}) to ${keysFile}. The key, shown this once:\n` });
  expect(stdout).toMatch(/^fjs_\S+\n$/);
  return stdout.trim();
}

describe('npm run keys:create', () => {
  it('prints a new key once and appends only its name, role and SHA-256 to the file', async () => {
    const keysFile = join(await freshFolder(), 'api-keys');
    const key = await createKey(keysFile, 'ci-deploy', 'operator');
    expect(key).toMatch(KEY);
    expect(Buffer.from(key.slice('fjs_'.length), 'base64url'), '32 random bytes').toHaveLength(32);
    const text = await readFile(keysFile, 'utf8');
    expect(text).toBe(`ci-deploy operator ${sha256(key)}\n`);
    expect(text).not.toContain(key.slice('fjs_'.length));
    expect((await stat(keysFile)).mode & 0o777, 'readable by its owner only').toBe(0o600);

    const second = await createKey(keysFile, 'alice', 'admin');
    expect(second).toMatch(KEY);
    expect(second).not.toBe(key);
    expect(await readFile(keysFile, 'utf8')).toBe(`${text}alice admin ${sha256(second)}\n`);
  });

  it('adds its line after a last line without a newline, and keeps the comments', async () => {
    const keysFile = join(await freshFolder(), 'api-keys');
    const before = `# team keys\nalice admin ${sha256('fjs_alice')}`;
    await writeFile(keysFile, before);
    const key = await createKey(keysFile, 'bob', 'viewer');
    expect(await readFile(keysFile, 'utf8')).toBe(`${before}\nbob viewer ${sha256(key)}\n`);
  });

  it.each([
    ['a name already in the file', ['alice', 'viewer'], /^API keys file .+, line 2: name 'alice' is already used by an earlier line\n$/],
    ['a bad role', ['bob', 'root'], /^API keys file .+, line 2: role 'root' must be one of viewer, operator, admin\n$/],
    ['a reserved name', ['schedule', 'operator'], /^API keys file .+, line 2: name 'schedule' is reserved\n$/],
    ['a name with a space', ['bob smith', 'viewer'], /^API keys file .+, line 2: expected '<name> <role> <sha256-hex>', found 4 fields\n$/],
    ['no role', ['bob'], /^usage: npm run keys:create -- <name> <role> +\(role: viewer, operator or admin\)\n$/],
    ['an extra argument', ['bob', 'viewer', 'extra'], /^usage: npm run keys:create -- <name> <role>/],
  ])('refuses %s with one line, printing no key and leaving the file as it was', async (_case, args, message) => {
    const keysFile = join(await freshFolder(), 'api-keys');
    await createKey(keysFile, 'alice', 'admin');
    const before = await readFile(keysFile, 'utf8');
    const { code, stdout, stderr } = await keysCreate(keysFile, ...args);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(await readFile(keysFile, 'utf8')).toBe(before);
  });

  it('refuses without API_KEYS_FILE with one line saying so', async () => {
    const { code, stdout, stderr } = await keysCreate(null, 'alice', 'admin');
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stdout).toBe('');
    expect(stderr).toBe('Set API_KEYS_FILE to the keys file to add the key to (it is created if missing)\n');
  });
});

describe('the service process with API_KEYS_FILE', () => {
  /** Every response the tests saw, headers and body, to look for keys in. */
  const seen: string[] = [];
  const call = async (service: ServiceProcess, method: string, path: string, key?: string, body?: unknown) => {
    const requestId = `keys-${seen.length}`;
    const headers: Record<string, string> = { 'X-Request-Id': requestId };
    if (key !== undefined) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${service.baseUrl}${path}`, { method, headers, body: JSON.stringify(body) });
    const text = await response.text();
    seen.push(`${response.status} ${[...response.headers].join(' ')} ${text}`);
    expect(response.status, `${method} ${path} must never answer 500`).not.toBe(500);
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, requestId };
  };
  const job = (name: string) => ({ name, jarURL: `/jars/${name}.jar`, entryClass: 'com.example.Main' });

  it('answers 401 without a known key, 403 without the role, and takes a key made while it runs', async () => {
    const folder = await freshFolder();
    const keysFile = join(folder, 'api-keys');
    const admin = await createKey(keysFile, 'root-admin', 'admin');
    const viewer = await createKey(keysFile, 'dash-viewer', 'viewer');
    const service = await startServiceProcess({ API_KEYS_FILE: keysFile, DATA_DIR: join(folder, 'data') });
    /** The key name each request's log line must carry, by request id; undefined where no key was known. */
    const actors: Record<string, string | undefined> = {};
    let late: string | undefined;
    try {
      expect((await call(service, 'GET', '/livez')).status, 'health stays open').toBe(200);

      const missing = await call(service, 'GET', '/api/v1/jobs');
      expect(missing).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
      expect(missing.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b/);
      expect(missing.headers.get('Content-Type')).toBe('application/problem+json');
      actors[missing.requestId] = undefined;

      for (const wrong of ['fjs_not-a-key', `${admin.slice(0, -1)}${admin.endsWith('A') ? 'B' : 'A'}`]) {
        const unknown = await call(service, 'POST', '/api/v1/jobs', wrong, job('unknown'));
        expect(unknown).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
        expect(unknown.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);
        actors[unknown.requestId] = undefined;
      }

      const refused = await call(service, 'POST', '/api/v1/jobs', viewer, job('refused'));
      expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect(refused.body.detail).toBe("This route needs the admin role; the API key 'dash-viewer' has the viewer role");
      actors[refused.requestId] = 'dash-viewer';

      const created = await call(service, 'POST', '/api/v1/jobs', admin, job('created'));
      expect(created.status).toBe(201);
      actors[created.requestId] = 'root-admin';
      const listed = await call(service, 'GET', '/api/v1/jobs', viewer);
      expect(listed.status).toBe(200);
      actors[listed.requestId] = 'dash-viewer';

      late = await createKey(keysFile, 'late-operator', 'operator');
      const started = await waitFor(
        () => call(service, 'POST', `/api/v1/jobs/${created.body.id}/start`, late),
        (response) => response.status !== 401,
        SEEN_WITHIN_MS,
        'the key made while the service runs',
      );
      expect(started.status).toBe(202);
      actors[started.requestId] = 'late-operator';
    } finally {
      expect(await service.stop()).toBe(0);
    }

    const lines = logLines(service.output());
    expect(lines.find((line) => line.msg === 'API keys reloaded'), 'the change was logged').toMatchObject({ keys: 3 });
    const served = Object.fromEntries(
      lines.filter((line) => line.msg === 'request served').map((line) => [line.requestId as string, line.actor]),
    );
    expect(Object.keys(served), 'one request log line each').toEqual(expect.arrayContaining(Object.keys(actors)));
    for (const [requestId, actor] of Object.entries(actors)) {
      expect(served[requestId], `the actor of request ${requestId}`).toBe(actor);
    }
    for (const text of [...seen, service.output()]) {
      for (const key of [admin, viewer, late]) expect(text).not.toContain(key!.slice('fjs_'.length));
    }
  });

  it('drops a key taken out of the file on SIGHUP, also where the change cannot be watched', async () => {
    // The keys file is a link into another folder, as Kubernetes mounts secrets: watching the link's folder does not
    // see the target change, so only SIGHUP tells the service.
    const folder = await freshFolder();
    await mkdir(join(folder, 'secrets'));
    const target = join(folder, 'secrets', 'api-keys');
    const keysFile = join(folder, 'api-keys');
    await symlink(target, keysFile);
    const admin = await createKey(keysFile, 'root-admin', 'admin');
    const leaving = await createKey(keysFile, 'leaving', 'viewer');
    const service = await startServiceProcess({ API_KEYS_FILE: keysFile, DATA_DIR: join(folder, 'data') });
    try {
      expect((await call(service, 'GET', '/api/v1/jobs', leaving)).status).toBe(200);
      await writeFile(target, `root-admin admin ${sha256(admin)}\n`);
      service.child.kill('SIGHUP');
      const refused = (response: { status: number }) => response.status === 401;
      await waitFor(() => call(service, 'GET', '/api/v1/jobs', leaving), refused, SEEN_WITHIN_MS, 'the removed key refused');
      expect((await call(service, 'GET', '/api/v1/jobs', admin)).status, 'the key still in the file').toBe(200);

      await writeFile(target, `root-admin admin ${sha256(admin)}\nbroken line\n`);
      service.child.kill('SIGHUP');
      await waitFor(async () => service.output(), (output) => output.includes('not reloaded'), SEEN_WITHIN_MS, 'the refused reload');
      expect((await call(service, 'GET', '/api/v1/jobs', admin)).status, 'the last good set stays').toBe(200);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(logLines(service.output()).find((line) => line.msg?.toString().includes('not reloaded'))).toMatchObject({
      level: 'error',
      reason: `API keys file ${keysFile}, line 2: expected '<name> <role> <sha256-hex>', found 2 fields`,
    });
  });
});

describe('start-up with a keys file it cannot use', () => {
  it.each([
    [
      'a malformed line',
      (hash: string) => `# keys\nalice admin ${hash}\nbob admin\n`,
      /^API keys file (.+), line 3: expected '<name> <role> <sha256-hex>', found 2 fields\n$/,
    ],
    [
      'a duplicate name',
      (hash: string) => `alice admin ${hash}\nalice viewer ${sha256('other')}\n`,
      /^API keys file (.+), line 2: name 'alice' is already used by an earlier line\n$/,
    ],
  ])('stops with one line naming the file and %s, before opening the database', async (_case, content, message) => {
    const folder = await freshFolder();
    const keysFile = join(folder, 'api-keys');
    await writeFile(keysFile, content(sha256('fjs_alice')));
    const { code, stderr } = await runServiceToExit({ API_KEYS_FILE: keysFile, DATA_DIR: join(folder, 'data'), PORT: '0' });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(message.exec(stderr)?.[1]).toBe(keysFile);
    await expect(stat(join(folder, 'data')), 'nothing opened').rejects.toThrow('ENOENT');
  });

  it('stops with one line when the file is missing', async () => {
    const folder = await freshFolder();
    const keysFile = join(folder, 'missing');
    const { code, stderr } = await runServiceToExit({ API_KEYS_FILE: keysFile, DATA_DIR: join(folder, 'data'), PORT: '0' });
    expect(code).toBe(2);
    expect(stderr).toBe(`API keys file ${keysFile}: cannot be read (ENOENT)\n`);
  });
});
