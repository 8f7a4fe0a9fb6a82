import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../adapters/output/keys/api-key-file.js';
import { browserSkipReason, collectPageErrors, launchChromium } from '../support/browser.js';
import { callService, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

/** Screenshots of the pages, for the README and for looking at: not committed. */
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const skipReason = browserSkipReason();
/** A JAR host that refuses connections: started runs fail quickly (no Flink cluster needed). */
const REFUSING_JAR_HOST = '127.0.0.1:9';
/** A fresh embedded database is created at the first start: slow on a busy machine. */
const START_TIMEOUT_MS = 120_000;

let folder: string;
let browser: Browser;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fjs-console-'));
  if (skipReason) return;
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await rm(folder, { recursive: true, force: true });
});

const serviceEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
  FLINK_WEB_URL: 'http://flink.example:8081',
  JAR_ALLOWED_HOSTS: REFUSING_JAR_HOST,
  ...extra,
});

/** Opens a page, fails on any HTTP error or browser error while it loads, and writes its screenshot. */
async function visit(page: Page, url: string, screenshot: string): Promise<void> {
  const errors = collectPageErrors(page);
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
  await page.waitForLoadState('load');
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  expect(errors, `${url} loads without errors`).toEqual([]);
}

describe.skipIf(skipReason)('the web console in Chromium', { timeout: 60_000 }, () => {
  let service: ServiceProcess;
  let jobId: string;
  let executionId: string;

  beforeAll(async () => {
    service = await startServiceProcess(serviceEnv(await mkdtemp(join(folder, 'open-'))), START_TIMEOUT_MS);
    const job = await callService(service.baseUrl, 'POST', '/api/v1/jobs', {
      name: 'nightly-report',
      description: 'Totals of the day, <b>not</b> bold',
      jarURL: `http://${REFUSING_JAR_HOST}/jars/report.jar`,
      entryClass: 'com.example.Report',
      config: { date: 'today' },
      labels: { team: 'data' },
    });
    expect(job.status).toBe(201);
    jobId = job.body.id;
    const schedule = { cron: '0 2 * * *', timezone: 'Europe/Berlin' };
    expect((await callService(service.baseUrl, 'POST', `/api/v1/jobs/${jobId}/schedule`, schedule)).status).toBeOneOf([200, 201]);
    const started = await callService(service.baseUrl, 'POST', `/api/v1/jobs/${jobId}/start`);
    expect(started.status).toBe(202);
    executionId = started.body.id;
    await waitFor(
      () => callService(service.baseUrl, 'GET', `/api/v1/executions/${executionId}`),
      ({ body }) => body.status === 'FAILED',
      30_000,
      'the run to fail at its download',
    );
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('leads from / to the jobs, with the schedule, next runs and last run', async () => {
    const page = await browser.newPage();
    await visit(page, `${service.baseUrl}/`, 'console-jobs.png');
    expect(new URL(page.url()).pathname).toBe('/ui');
    const row = page.locator('table.jobs tbody tr', { hasText: 'nightly-report' });
    await expect(row.locator('code').first().textContent()).resolves.toBe('0 2 * * *');
    expect(await row.textContent()).toContain('Europe/Berlin');
    expect(await row.locator('time').count()).toBeGreaterThanOrEqual(2);
    expect(await row.locator('.badge.s-FAILED').count()).toBe(1);
    expect(await page.locator('header a[href="/docs"]').count()).toBe(1);
    await row.locator(`a[href="/ui/jobs/${jobId}"]`).click();
    expect(new URL(page.url()).pathname).toBe(`/ui/jobs/${jobId}`);
    await page.close();
  });

  it('shows the job with its run as a bar on the time line and in the history', async () => {
    const page = await browser.newPage();
    await visit(page, `${service.baseUrl}/ui/jobs/${jobId}`, 'console-job.png');
    const bar = page.locator(`svg.timeline rect[data-execution-id="${executionId}"]`);
    expect(await bar.count()).toBe(1);
    expect(await bar.getAttribute('class')).toContain('s-FAILED');
    expect((await bar.boundingBox())?.width).toBeGreaterThan(0);
    expect(await page.locator(`table.runs tr[data-execution-id="${executionId}"]`).textContent()).toContain('JAR_DOWNLOAD_FAILED');
    expect(await page.locator('dd', { hasText: 'Totals of the day' }).textContent()).toContain('<b>not</b> bold');
    expect(await page.locator('ol.args li').allTextContents()).toEqual(['--date', 'today']);
    await page.close();
  });

  it('shows the run with its status history and error', async () => {
    const page = await browser.newPage();
    await visit(page, `${service.baseUrl}/ui/executions/${executionId}`, 'console-run.png');
    const statuses = await page.locator('table.history tbody tr td:first-child').allTextContents();
    expect(statuses[0]).toBe('PENDING');
    expect(statuses.at(-1)).toBe('FAILED');
    expect(await page.locator('pre.error').textContent()).toContain('JAR_DOWNLOAD_FAILED');
    expect(await page.locator('a', { hasText: 'nightly-report' }).getAttribute('href')).toBe(`/ui/jobs/${jobId}`);
    await page.close();
  });
});

describe.skipIf(skipReason)('the web console behind API keys, in Chromium', { timeout: 60_000 }, () => {
  const key = 'fjs_console-browser-test-key-0123456789abcdefghijklmn';
  let service: ServiceProcess;

  beforeAll(async () => {
    const keysFile = join(folder, 'api-keys');
    await writeFile(keysFile, `console-viewer viewer ${hashApiKey(key)}\n`);
    service = await startServiceProcess(
      serviceEnv(await mkdtemp(join(folder, 'keys-')), { API_KEYS_FILE: keysFile }),
      START_TIMEOUT_MS,
    );
  }, START_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('takes the key once in a form, keeps it in an HttpOnly cookie, and never shows or logs it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const refused = await page.goto(`${service.baseUrl}/ui`);
    expect(refused?.status()).toBe(401);
    await page.fill('input[name="key"]', 'fjs_not-a-key-anyone-has');
    await page.click('button[type="submit"]');
    expect(await page.locator('p.notice').textContent()).toContain('not one this service knows');
    await page.fill('input[name="key"]', key);
    await Promise.all([page.waitForURL(`${service.baseUrl}/ui`), page.click('button[type="submit"]')]);
    expect(await page.locator('h1').textContent()).toBe('Jobs');
    await page.screenshot({ path: join(ARTIFACTS, 'console-sign-in.png'), fullPage: true });
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ value: key, httpOnly: true, sameSite: 'Strict', path: '/ui' });
    expect(await page.content()).not.toContain(key);
    expect(await page.evaluate('document.cookie')).toBe('');

    await page.click('header button');
    expect(await context.cookies()).toEqual([]);
    expect((await page.goto(`${service.baseUrl}/ui`))?.status()).toBe(401);
    expect(errors.filter((error) => !error.includes('401'))).toEqual([]);
    await context.close();
    expect(service.output()).not.toContain(key);
  });
});
