import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrizzleSavepointRepository } from '../../adapters/output/repository/drizzle-savepoint-repository.js';
import { DrizzleUpgradeRepository } from '../../adapters/output/repository/drizzle-upgrade-repository.js';
import { databaseOf } from '../../infrastructure/container.js';
import { requestsFor, routesOf, type FuzzRequest, type KnownValues, type Route } from '../support/fuzz-requests.js';
import { testAppBackends, type TestApp } from '../support/http-app.js';
import { SchemaValues } from '../support/schema-values.js';
import { waitFor } from '../support/wait.js';

/**
 * Every route of the OpenAPI document, sent generated paths, query strings, headers and bodies: no answer is a
 * 5xx, and every error is a problem document with a code. A failure prints the seed and the shrunk request.
 */
const SEED = 0x5eed;
const RUNS_PER_ROUTE = 40;
/**
 * A route that declares no parameter and no body (`/health`) only sees undeclared query strings and headers, which
 * every other route sees too; and `/health` asks Flink on every call, nearly a second when it is unreachable.
 */
const RUNS_PER_ROUTE_WITHOUT_INPUT = 5;
const runsFor = (route: Route) => (route.parameters.length > 0 || route.body ? RUNS_PER_ROUTE : RUNS_PER_ROUTE_WITHOUT_INPUT);

const backends = await testAppBackends();

/**
 * Deletions last, a job's after its schedule's, and the purge of executions after them all, so that the other
 * routes are sent ids that still exist.
 */
const isDeletion = (route: Route) => (route.method === 'DELETE' ? route.path.length : route.path.endsWith('/purge') ? 1 : 0);
const deletionsLast = (routes: Route[]) =>
  [...routes].sort((a, b) => Math.sign(isDeletion(a)) - Math.sign(isDeletion(b)) || isDeletion(b) - isDeletion(a));

/** Two webhooks, the first with two test deliveries (still pending, so a replay of one is a 409), and one deleted. */
async function knownWebhooks(api: TestApp) {
  const createWebhook = async (): Promise<{ id: string }> => {
    const body = { url: 'https://hooks.example.com/fuzz', eventTypes: ['run.*'] };
    return (await api.request('/api/v1/webhooks', { method: 'POST', json: body })).json();
  };
  const [first, second, deleted] = [await createWebhook(), await createWebhook(), await createWebhook()];
  await api.request(`/api/v1/webhooks/${deleted.id}`, { method: 'DELETE' });
  const deliveryIds: string[] = [];
  for (let i = 0; i < 2; i++) deliveryIds.push((await (await api.request(`/api/v1/webhooks/${first.id}/test`, { method: 'POST' })).json()).id);
  const lists = { '/api/v1/webhooks': '/api/v1/webhooks', '/api/v1/webhooks/{id}/deliveries': `/api/v1/webhooks/${first.id}/deliveries` };
  return { ids: { id: [first.id, second.id], deliveryId: deliveryIds }, goneId: deleted.id, lists };
}

/** Savepoints of a run in the catalog (the API takes one only of a running job, which the fuzzed app has not). */
async function knownSavepoints(api: TestApp, jobId: string, executionId: string): Promise<string[]> {
  const repository = new DrizzleSavepointRepository(databaseOf(api.container).db);
  const ids = [randomUUID(), randomUUID()];
  for (const id of ids) {
    await repository.insert({
      id, jobId, executionId, jobVersion: 1, path: `s3://fuzz/savepoint-${id}`, origin: 'MANUAL', status: 'COMPLETED',
      triggerId: 'fuzz', dueAt: null, createdAt: new Date(), completedAt: new Date(), error: null,
    });
  }
  return ids;
}

/** An upgrade that ended (the API starts one only for a running job, which the fuzzed app has not). */
async function knownUpgrades(api: TestApp, jobId: string, executionId: string): Promise<string[]> {
  const id = randomUUID();
  await new DrizzleUpgradeRepository(databaseOf(api.container).db).insert({
    id, jobId, mode: 'savepoint', state: 'FAILED', fromVersion: 1, toVersion: 1, oldExecutionId: executionId, newExecutionId: null,
    rollbackExecutionId: null, restoredFrom: null, rolledBack: false, error: { code: 'UPGRADE_SAVEPOINT_FAILED', message: 'fuzz' },
    requestedBy: 'fuzz', createdAt: new Date(), updatedAt: new Date(),
  });
  return [id];
}

/** Jobs (one with a schedule, two failed executions and a backfill, one deleted), webhooks, and the token of a second page of every list. */
async function knownValues(api: TestApp): Promise<KnownValues> {
  const createJob = async (name: string): Promise<{ id: string }> => {
    const body = { name, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' };
    return (await api.request('/api/v1/jobs', { method: 'POST', json: body })).json();
  };
  const [scheduled, plain, deleted] = [await createJob('fuzz-a'), await createJob('fuzz-b'), await createJob('fuzz-c')];
  // Yearly: a generated backfill range (dates from 2000 to 2100) holds few enough ticks to be carried out.
  await api.request(`/api/v1/jobs/${scheduled.id}/schedule`, { method: 'POST', json: { cron: '0 0 0 1 1 *' } });
  await api.request(`/api/v1/jobs/${deleted.id}`, { method: 'DELETE' });
  // Two versions: a versions list with a next page, and a version to roll back to.
  await api.request(`/api/v1/jobs/${plain.id}`, { method: 'PUT', json: { name: 'fuzz-b', jarURL: '/jars/job.jar', entryClass: 'com.example.Other' } });
  const executionIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const started = await (await api.request(`/api/v1/jobs/${scheduled.id}/start`, { method: 'POST' })).json();
    await waitFor(async () => (await api.request(`/api/v1/executions/${started.id}`)).json(), (e) => e.status === 'FAILED');
    executionIds.push(started.id);
  }
  const webhooks = await knownWebhooks(api);
  const range = { from: '2020-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' };
  const backfill = await api.request(`/api/v1/jobs/${scheduled.id}/backfills`, {
    method: 'POST',
    json: { ...range, reprocess: 'all', maxActive: 1 },
  });
  const backfillId: string = (await backfill.json()).backfill.id;
  const savepointIds = await knownSavepoints(api, scheduled.id, executionIds[0]!);
  const upgradeIds = await knownUpgrades(api, scheduled.id, executionIds[0]!);
  const lists = {
    '/api/v1/jobs': '/api/v1/jobs',
    '/api/v1/jobs/{id}/executions': `/api/v1/jobs/${scheduled.id}/executions`,
    '/api/v1/jobs/{id}/savepoints': `/api/v1/jobs/${scheduled.id}/savepoints`,
    '/api/v1/jobs/{id}/versions': `/api/v1/jobs/${plain.id}/versions`,
    '/api/v1/audit': '/api/v1/audit',
    ...webhooks.lists,
  };
  const pageTokens: Record<string, string> = {};
  for (const [route, list] of Object.entries(lists)) {
    pageTokens[route] = (await (await api.request(`${list}?limit=1`)).json()).nextContinuationToken;
    expect(pageTokens[route], `a next page of ${list}`).toEqual(expect.any(String));
  }
  return {
    ids: { id: [scheduled.id, plain.id], executionId: executionIds, version: ['1', '2'] },
    idsUnder: { '/api/v1/webhooks': webhooks.ids, '/api/v1/backfills': { id: [backfillId] }, '/api/v1/savepoints': { id: savepointIds }, '/api/v1/upgrades': { upgradeId: upgradeIds } },
    goneIds: [deleted.id, webhooks.goneId],
    pageTokens,
  };
}

async function send(api: TestApp, request: FuzzRequest): Promise<Response> {
  const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
  return api.app.request(new Request(request.url, { method: request.method, headers: request.headers, body }));
}

/** The property: never a 5xx; an error is `application/problem+json` with a string `code`. */
async function expectSoundAnswer(response: Response): Promise<void> {
  // An event stream does not end by itself: its status and type are the answer; hang up.
  if (response.status === 200 && response.headers.get('Content-Type') === 'text/event-stream') return response.body?.cancel();
  const text = await response.text();
  expect(response.status, `answered ${response.status}: ${text}`).toBeLessThan(500);
  if (response.status < 400) return;
  expect(response.headers.get('Content-Type'), `${response.status}: ${text}`).toBe('application/problem+json');
  expect(JSON.parse(text), `${response.status}: ${text}`).toMatchObject({ code: expect.any(String) });
}

interface FuzzOutcome {
  routes: Route[];
  /** fast-check's report (seed, shrunk request, error) for each route that failed. */
  failures: string[];
  /** The statuses each route answered. */
  statuses: Map<Route, number[]>;
}

/** Sends every route `runsFor(route)` generated requests and checks each answer. */
async function fuzzEveryRoute(api: TestApp): Promise<FuzzOutcome> {
  const document = await (await api.request('/openapi.json')).json();
  const routes = deletionsLast(routesOf(document));
  const known = await knownValues(api);
  const schemaValues = new SchemaValues(document.components.schemas);
  const failures: string[] = [];
  const statuses = new Map<Route, number[]>();
  for (const route of routes) {
    const property = fc.asyncProperty(requestsFor(route, known, schemaValues), async (request) => {
      const response = await send(api, request);
      statuses.set(route, [...(statuses.get(route) ?? []), response.status]);
      await expectSoundAnswer(response);
    });
    const details = await fc.check(property, { seed: SEED, numRuns: runsFor(route) });
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      failures.push(`${route.method} ${route.path}\n${fc.defaultReportMessage(details)}\n${error}`);
    }
  }
  return { routes, failures, statuses };
}

describe('every route fuzzed', () => {
  it.for(backends)(
    'on $name: generated paths, queries, headers and bodies get no 5xx, and every error is a problem',
    { timeout: 120_000 },
    async (backend, context) => {
      if (backend.skipReason) context.skip(backend.skipReason);
      const api = await backend.start();
      try {
        const { routes, failures, statuses } = await fuzzEveryRoute(api);
        if (failures.length > 0) expect.fail(`${failures.length} routes failed:\n\n${failures.join('\n\n')}`);
        // The generated requests get past validation to the work itself, not only to the first 400.
        // A plan check gets as far as the JAR, which no server here has: 422 JAR_DOWNLOAD_FAILED is its work done. A
        // rollback looks the generated version up: 404 JOB_VERSION_NOT_FOUND for a number the job never had is too.
        const reached = (route: { path: string }, status: number) =>
          status < 300 ||
          status === 409 ||
          (route.path.endsWith('/plan') && status === 422) ||
          (route.path.endsWith('/rollback') && status === 404);
        const unreached = routes.filter((route) => !statuses.get(route)?.some((status) => reached(route, status)));
        expect(unreached.map((route) => `${route.method} ${route.path}`)).toEqual([]);
      } finally {
        await api.close();
      }
    },
  );
});
