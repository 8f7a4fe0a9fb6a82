import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../adapters/output/keys/api-key-file.js';
import { loadConfig } from '../../infrastructure/config.js';
import { testAppBackends, type TestApp } from '../support/http-app.js';

const backends = await testAppBackends();
const ROLES = ['viewer', 'operator', 'admin'] as const;
const RANK = { public: -1, viewer: 0, operator: 1, admin: 2 } as const;
type Caller = 'nobody' | 'stranger' | (typeof ROLES)[number];

/**
 * The roles as the issue words them, independent of the permission table: probes and the API document are open,
 * every read (the Prometheus metrics too) needs a viewer, the controls of executions, schedules (trigger included),
 * backfills and savepoints (taking and disposing of one), and a job's plan check, an operator, everything else an admin.
 * Webhooks need an admin even to read: a webhook URL can itself be a credential.
 */
function roleBySpecification(method: string, path: string): keyof typeof RANK {
  if (['/health', '/livez', '/readyz'].includes(path)) return 'public';
  if (path === '/api/v1/audit' || path.startsWith('/api/v1/webhooks')) return 'admin';
  if (method === 'GET') return 'viewer';
  if (/\/(start|stop|retry|pause|resume|trigger|backfills|cancel|savepoints|plan)$/.test(path)) return 'operator';
  if (path.startsWith('/api/v1/savepoints/')) return 'operator';
  return 'admin';
}

/** One key per role, and one nobody has: the keys file the app starts with. */
const keys = Object.fromEntries(ROLES.map((role) => [role, `fjs_${randomBytes(32).toString('base64url')}`])) as Record<
  (typeof ROLES)[number],
  string
>;
let folder: string;
/** A JAR host that accepts connections and never answers: started executions stay DOWNLOADING. */
let stalledJarHost: Server;
let jarPort: number;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fjs-access-'));
  const lines = ROLES.map((role) => `${role}-key ${role} ${hashApiKey(keys[role])}`);
  await writeFile(join(folder, 'api-keys'), `# one key per role\n${lines.join('\n')}\n`);
  stalledJarHost = createServer(() => {});
  await new Promise<void>((resolve) => stalledJarHost.listen(0, '127.0.0.1', resolve));
  jarPort = (stalledJarHost.address() as AddressInfo).port;
});
afterAll(async () => {
  stalledJarHost.closeAllConnections();
  stalledJarHost.close();
  await rm(folder, { recursive: true, force: true });
});

function headersOf(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  if (caller === 'nobody') return extra;
  const key = caller === 'stranger' ? 'fjs_not-a-key-anyone-has' : keys[caller];
  return { Authorization: `Bearer ${key}`, ...extra };
}

describe.each(backends)('access control on $name', (backend) => {
  let api: TestApp;

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start(
      loadConfig({
        API_KEYS_FILE: join(folder, 'api-keys'),
        FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
        JAR_ALLOWED_HOSTS: `127.0.0.1:${jarPort}`,
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  const send = (caller: Caller, method: string, path: string, json?: unknown, extra: Record<string, string> = {}) =>
    api.request(path, { method, headers: headersOf(caller, extra), ...(json === undefined ? {} : { json }) });

  it.skipIf(backend.skipReason)('every route declares its permission, and every caller gets exactly what it allows', async () => {
    const document = await (await send('nobody', 'GET', '/openapi.json')).json();
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
    );
    expect(operations.length, 'the document lists the routes').toBeGreaterThanOrEqual(19);
    // Metrics are guarded like any read, and listed so that this walk checks their guard.
    expect(operations.map(({ method, path }) => `${method} ${path}`)).toContain('GET /metrics');
    expect(operations.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/executions', 'GET /api/v1/summary']),
    );
    for (const { path, method, operation } of operations) {
      const required = operation['x-required-role'] as keyof typeof RANK | undefined;
      expect(required, `${method} ${path} declares who may call it`).toBeOneOf(['public', ...ROLES]);
      expect(required, `${method} ${path} needs the role the specification gives it`).toBe(roleBySpecification(method, path));
      // Unknown ids: an allowed caller gets as far as the route (a 404 or a 400 at worst), never a 401 or 403.
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-00000000abcd');
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      for (const caller of ['nobody', 'stranger', ...ROLES] as Caller[]) {
        const response = await send(caller, method, concrete, body);
        // An event stream does not end by itself: hang up once the status is in.
        if (response.headers.get('Content-Type') === 'text/event-stream') await response.body?.cancel();
        const where = `${caller} on ${method} ${path} (needs ${required})`;
        if (required === 'public') {
          expect([401, 403], where).not.toContain(response.status);
        } else if (caller === 'nobody' || caller === 'stranger') {
          expect(response.status, where).toBe(401);
          expect(response.headers.get('WWW-Authenticate'), where).toMatch(/^Bearer /);
        } else if (RANK[caller] < RANK[required!]) {
          expect(response.status, where).toBe(403);
          expect((await response.json()).detail, where).toContain(`needs the ${required} role`);
        } else {
          expect([401, 403], where).not.toContain(response.status);
        }
      }
    }
  });

  it.skipIf(backend.skipReason)('serves the API reference without a key, from its own files only; / leads to the web console', async () => {
    const home = await send('nobody', 'GET', '/');
    expect(home.status).toBe(302);
    expect(home.headers.get('Location')).toBe('/ui');
    const page = await send('nobody', 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const html = await page.text();
    // Every file the page names is served here (no CDN): each answers 200 with its type and content.
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, 'http://x/docs').pathname);
    expect(loaded.sort()).toEqual(['/docs/favicon-32x32.png', '/docs/start.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']);
    for (const path of loaded) {
      const file = await send('nobody', 'GET', path);
      expect(file.status, path).toBe(200);
      expect(file.headers.get('Content-Type'), path).toMatch(/^(text\/css|text\/javascript|image\/png)/);
      expect((await file.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect(await (await send('nobody', 'GET', '/docs/start.js')).text()).toContain("url: 'openapi.json'");
    // Nothing else of the package, and no way out of it.
    for (const path of ['/docs/index.html', '/docs/package.json', '/docs/..%2Fpackage.json', '/docs/%2E%2E%2F%2E%2E%2Fpackage.json']) {
      const refused = await send('nobody', 'GET', path);
      expect(refused.status, path).toBe(404);
      expect(refused.headers.get('Content-Type'), path).toBe('application/problem+json');
    }
  });

  it.skipIf(backend.skipReason)('records every mutating request of a session, allowed or refused, and nothing else', async () => {
    const jarURL = `http://127.0.0.1:${jarPort}/jars/session.jar`;
    const definition = { name: `session-${backend.name}`, jarURL, entryClass: 'com.example.Main' };
    let step = 0;
    const call = (caller: Caller, method: string, path: string, json?: unknown, reason?: string) =>
      send(caller, method, path, json, {
        'X-Request-Id': `session-${++step}`,
        ...(reason ? { 'X-Operator-Reason': reason } : {}),
      });

    const created = await call('admin', 'POST', '/api/v1/jobs', definition, 'onboarding the nightly job');
    expect(created.status).toBe(201);
    const job = (await created.json()).id as string;
    expect((await call('viewer', 'DELETE', `/api/v1/jobs/${job}`)).status).toBe(403);
    expect((await call('nobody', 'POST', '/api/v1/jobs', definition)).status).toBe(401);
    expect((await call('admin', 'PUT', `/api/v1/jobs/${job}`, { ...definition, description: 'v2' })).status).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/jobs/${job}/stop`)).status).toBe(409);
    const started = await call('operator', 'POST', `/api/v1/jobs/${job}/start`);
    expect(started.status).toBe(202);
    expect((await started.json()).requestedBy).toBe('operator-key');
    expect((await call('operator', 'POST', `/api/v1/jobs/${job}/stop`, undefined, 'wrong input')).status).toBe(202);
    expect((await call('viewer', 'GET', `/api/v1/jobs/${job}`)).status).toBe(200);
    expect((await call('viewer', 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await call('admin', 'DELETE', `/api/v1/jobs/${job}`)).status).toBe(204);

    const audit = await (await call('admin', 'GET', `/api/v1/audit?resourceId=${job}&limit=200`)).json();
    const unnamed = await (await call('admin', 'GET', '/api/v1/audit?actor=anonymous')).json();
    const times = audit.events.map((event: any) => Date.parse(event.at));
    expect(times, 'newest first').toEqual([...times].sort((a, b) => b - a));
    // In the order of the session (two events may share a millisecond, so `at` alone cannot order them).
    const stepOf = (event: any) => Number(event.requestId.replace('session-', ''));
    const rows = [...audit.events, ...unnamed.events.filter((event: any) => event.requestId === 'session-3')];
    rows.sort((a, b) => stepOf(a) - stepOf(b));
    expect(rows.map((event: any) => [event.requestId, event.actor, event.role, event.action, event.outcome, event.versionBefore, event.versionAfter, event.reason])).toEqual([
      ['session-1', 'admin-key', 'admin', 'job.create', 201, null, 1, 'onboarding the nightly job'],
      ['session-2', 'viewer-key', 'viewer', 'job.delete', 403, null, null, null],
      ['session-3', 'anonymous', null, 'job.create', 401, null, null, null],
      ['session-4', 'admin-key', 'admin', 'job.replace', 200, 1, 2, null],
      ['session-5', 'operator-key', 'operator', 'run.stop', 409, null, null, null],
      ['session-6', 'operator-key', 'operator', 'run.start', 202, 2, 2, null],
      ['session-7', 'operator-key', 'operator', 'run.stop', 202, 2, 2, 'wrong input'],
      ['session-10', 'admin-key', 'admin', 'job.delete', 204, 2, null, null],
    ]);
    expect(rows.every((event: any) => event.resourceType === 'job' && typeof event.at === 'string')).toBe(true);
    expect(rows.filter((event: any) => event.requestId !== 'session-3').every((event: any) => event.resourceId === job)).toBe(true);

    // Pages of two add up to the same events, newest first.
    const paged: string[] = [];
    let token: string | null = null;
    do {
      const query: string = `resourceId=${job}&limit=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
      const page: any = await (await call('admin', 'GET', `/api/v1/audit?${query}`)).json();
      paged.push(...page.events.map((event: any) => event.requestId));
      token = page.nextContinuationToken;
    } while (token);
    expect(paged).toEqual(audit.events.map((event: any) => event.requestId));
    const stops = await (await call('admin', 'GET', `/api/v1/audit?resourceId=${job}&action=run.stop&actor=operator-key`)).json();
    expect(stops.events.map((event: any) => event.outcome).sort()).toEqual([202, 409]);
  });

  it.skipIf(backend.skipReason)('logs the name of the key that made a request, never the key', async () => {
    await send('operator', 'GET', '/api/v1/jobs');
    const line = api.logLines.findLast((entry) => entry.msg === 'request served' && entry.path === '/api/v1/jobs');
    expect(line).toMatchObject({ actor: 'operator-key' });
    const everything = JSON.stringify(api.logLines);
    for (const key of Object.values(keys)) expect(everything).not.toContain(key);
  });
});
