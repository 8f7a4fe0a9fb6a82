import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../adapters/output/keys/api-key-file.js';
import { loadConfig } from '../../infrastructure/config.js';
import { testAppBackends, type TestApp, type TestResponse } from '../support/http-app.js';
import { waitFor } from '../support/wait.js';

const backends = await testAppBackends();
const HOSTILE = '<script>alert("x")</script>';
/** Refuses connections: started runs fail at their download, quickly. */
const JAR_HOST = '127.0.0.1:9';
const config = (extra: Record<string, string> = {}) =>
  loadConfig({ FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9', JAR_ALLOWED_HOSTS: JAR_HOST, ...extra });

const definition = (name: string) => ({
  name,
  description: HOSTILE,
  jarURL: `http://${JAR_HOST}/jars/${name}.jar`,
  entryClass: 'com.example.Main',
  args: [HOSTILE],
  labels: { note: HOSTILE },
});

/** Asserts a console page: HTML under the console's policy, with this status; returns its markup. */
async function expectPage(response: TestResponse, status: number): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
  expect(response.headers.get('Content-Security-Policy')).toBe(
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  const html = await response.text();
  expect(html, 'a console page runs no script').not.toMatch(/<script/i);
  return html;
}

describe.each(backends)('the web console on $name', (backend) => {
  let api: TestApp;
  let jobId: string;
  let executionId: string;

  beforeAll(async () => {
    if (backend.skipReason) return;
    api = await backend.start(config({ FLINK_WEB_URL: 'http://flink.example:8081' }));
    jobId = (await (await api.request('/api/v1/jobs', { method: 'POST', json: definition('hostile') })).json()).id;
    executionId = (await (await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST' })).json()).id;
    await waitFor(
      async () => (await (await api.request(`/api/v1/executions/${executionId}`)).json()).status,
      (status) => status === 'FAILED',
      30_000,
      'the run to fail',
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it.skipIf(backend.skipReason)('leads from / to the console, which links the API reference', async () => {
    const home = await api.request('/');
    expect(home.status).toBe(302);
    expect(home.headers.get('Location')).toBe('/ui');
    const html = await expectPage(await api.request('/ui'), 200);
    expect(html).toContain('<a href="/docs">');
    expect(html).toContain(`href="/ui/jobs/${jobId}"`);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
  });

  it.skipIf(backend.skipReason)('escapes what users wrote on every page', async () => {
    for (const path of ['/ui', `/ui/jobs/${jobId}`, `/ui/executions/${executionId}`]) {
      const html = await expectPage(await api.request(path), 200);
      if (path !== '/ui') expect(html, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });

  it.skipIf(backend.skipReason)('shows the run on the job page and its status history on its own page', async () => {
    const job = await expectPage(await api.request(`/ui/jobs/${jobId}`), 200);
    expect(job).toMatch(new RegExp(`<rect class="bar s-FAILED" data-execution-id="${executionId}"`));
    expect(job).toContain(`<tr data-execution-id="${executionId}">`);
    const run = await expectPage(await api.request(`/ui/executions/${executionId}`), 200);
    expect([...run.matchAll(/<tr><td><span class="badge s-(\w+)">/g)].map((match) => match[1])).toEqual([
      'PENDING',
      'DOWNLOADING',
      'FAILED',
    ]);
    expect(run).toContain('JAR_DOWNLOAD_FAILED');
    // It never reached Flink: no link to Flink's page of it.
    expect(run).not.toContain('flink.example');
  });

  it.skipIf(backend.skipReason)('answers an unknown job or run with a page saying so', async () => {
    for (const path of ['/ui/jobs/00000000-0000-4000-8000-00000000abcd', '/ui/jobs/not-an-id', `/ui/executions/${jobId}`]) {
      const html = await expectPage(await api.request(path), 404);
      expect(html, path).toMatch(/<h1>(Job|Execution) not found<\/h1>/);
    }
  });

  it.skipIf(backend.skipReason)('pages the jobs like the API, and the API’s tokens serve it', async () => {
    for (const name of ['page-a', 'page-b']) await api.request('/api/v1/jobs', { method: 'POST', json: definition(name) });
    const first = await expectPage(await api.request('/ui?limit=2'), 200);
    const next = /<a rel="next" href="\/ui\?continuationToken=([^"]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const fromApi = (await (await api.request('/api/v1/jobs?limit=2')).json()).nextContinuationToken;
    expect(decodeURIComponent(next!)).toBe(fromApi);
    const second = await expectPage(await api.request(`/ui?limit=2&continuationToken=${next}`), 200);
    expect(second).toContain('page-b');
    expect(second).not.toContain('page-a');
    await expectPage(await api.request('/ui?continuationToken=made-up'), 400);
  });
});

describe.each(backends)('the web console behind API keys on $name', (backend) => {
  const key = `fjs_${randomBytes(32).toString('base64url')}`;
  const adminKey = `fjs_${randomBytes(32).toString('base64url')}`;
  let folder: string;
  let api: TestApp;

  beforeAll(async () => {
    if (backend.skipReason) return;
    folder = await mkdtemp(join(tmpdir(), 'fjs-console-keys-'));
    await writeFile(
      join(folder, 'api-keys'),
      `console-viewer viewer ${hashApiKey(key)}\nconsole-admin admin ${hashApiKey(adminKey)}\n`,
    );
    api = await backend.start(config({ API_KEYS_FILE: join(folder, 'api-keys') }));
  });
  afterAll(async () => {
    await api?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const signIn = (typed: string, origin = 'http://localhost') =>
    api.request('/ui/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
      body: new URLSearchParams({ key: typed }).toString(),
    });

  it.skipIf(backend.skipReason)('asks for a key, keeps a good one in a strict cookie of the console only', async () => {
    const asked = await api.request('/ui');
    expect(await expectPage(asked, 401)).toContain('name="key"');
    expect(asked.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    expect((await api.request('/ui/console.css')).status).toBe(200);

    const refused = await signIn('fjs_not-a-key-anyone-has');
    expect(await expectPage(refused, 401)).toContain('not one this service knows');
    expect(refused.headers.get('Set-Cookie')).toBeNull();

    const accepted = await signIn(key);
    const page = await expectPage(accepted, 200);
    expect(page).toContain('console-viewer');
    expect(page).not.toContain(key);
    const cookie = accepted.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^fjs_console_key=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/ui');
    const sent = cookie.split(';')[0]!;
    expect(await expectPage(await api.request('/ui', { headers: { Cookie: sent } }), 200)).toContain('Sign out');
    // The API takes keys in the Authorization header only: the console's cookie opens nothing there.
    expect((await api.request('/api/v1/jobs', { headers: { Cookie: sent } })).status).toBe(401);

    expect(JSON.stringify(api.logLines)).not.toContain(key);
  });

  it.skipIf(backend.skipReason)('refuses a sign-in form posted from another site', async () => {
    const forged = await signIn(key, 'https://elsewhere.example');
    expect(forged.status).toBe(403);
    expect(forged.headers.get('Set-Cookie')).toBeNull();
  });

  it.skipIf(backend.skipReason)('forgets a key that is no longer valid, and on sign-out', async () => {
    const stale = await api.request('/ui', { headers: { Cookie: 'fjs_console_key=fjs_revoked' } });
    expect(await expectPage(stale, 401)).toContain('no longer valid');
    expect(stale.headers.get('Set-Cookie')).toMatch(/^fjs_console_key=; Max-Age=0; .*Path=\/ui/);
    const out = await api.request('/ui/logout', { method: 'POST', headers: { Cookie: `fjs_console_key=${key}` } });
    expect(out.status).toBe(200);
    expect(out.headers.get('Set-Cookie')).toMatch(/^fjs_console_key=; Max-Age=0/);
  });

  it.skipIf(backend.skipReason)('records a refused sign-in in the audit trail, without the key', async () => {
    const typed = 'fjs_wrong-key-for-the-audit';
    await signIn(typed);
    const audit = await api.request('/api/v1/audit?action=console.login', { headers: { Authorization: `Bearer ${adminKey}` } });
    expect(audit.status).toBe(200);
    const { events } = await audit.json();
    expect(events).toContainEqual(expect.objectContaining({ action: 'console.login', actor: 'anonymous', outcome: 401 }));
    expect(JSON.stringify(events)).not.toContain(typed);
  });
});
