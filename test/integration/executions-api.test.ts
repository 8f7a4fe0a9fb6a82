import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { systemClock } from '../../adapters/output/system/system-clock.js';
import { skippedExecution } from '../../domain/entities/execution.js';
import { loadConfig } from '../../infrastructure/config.js';
import { databaseOf } from '../../infrastructure/container.js';
import { waitFor } from '../support/wait.js';
import { expectProblem, startTestApp, type TestApp } from '../support/http-app.js';

/** A JAR host that accepts connections and never answers: runs stay DOWNLOADING while the test looks. */
let stalledJarHost: Server;
let jarUrl: string;
let api: TestApp;

beforeAll(async () => {
  stalledJarHost = createServer(() => {});
  await new Promise<void>((resolve) => stalledJarHost.listen(0, '127.0.0.1', resolve));
  const port = (stalledJarHost.address() as AddressInfo).port;
  jarUrl = `http://127.0.0.1:${port}/jars/job.jar`;
  // Loopback is allowed port by port: the stalled host, and port 1 where nothing listens.
  api = await startTestApp(
    loadConfig({ JAR_ALLOWED_HOSTS: `127.0.0.1:${port},127.0.0.1:1`, FLINK_JOBMANAGER_URL: 'http://127.0.0.1:1', STOP_TIMEOUT_SECONDS: '5' }),
  );
});
afterAll(async () => {
  stalledJarHost.closeAllConnections();
  stalledJarHost.close();
  await api.close();
});

let counter = 0;
async function createJob(extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  const response = await api.request('/api/v1/jobs', {
    method: 'POST',
    json: { name: `runs-${++counter}`, jarURL: jarUrl, entryClass: 'com.example.Main', ...extra },
  });
  expect(response.status).toBe(201);
  return response.json();
}

/** Stores a SKIPPED tick of the job straight in the database, as the scheduler records one. */
async function storeSkippedRun(jobId: string, at: Date): Promise<string> {
  const reason = { code: 'OVERLAP', message: 'A run of the job was still active' };
  const skipped = skippedExecution({ id: randomUUID(), jobId, scheduledFor: at, reason, now: at });
  const leaseTerms = { owner: 'test', ttlMs: 60_000, clock: systemClock };
  await new DrizzleExecutionRepository(databaseOf(api.container).db, leaseTerms).insert(skipped, { exclusive: false });
  return skipped.id;
}

describe('POST /api/v1/jobs/:id/start', () => {
  it('answers 202 with the PENDING run and its Location, then 409 naming it while it is active', async () => {
    const job = await createJob();
    const response = await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' });
    expect(response.status).toBe(202);
    const execution = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/executions/${execution.id}`);
    expect(execution).toMatchObject({ jobId: job.id, status: 'PENDING', trigger: 'manual', attempt: 1, flinkJobId: null, error: null });

    const again = await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' }), 409, 'JOB_ALREADY_RUNNING');
    expect(again.detail).toContain(execution.id);
    const read = await (await api.request(`/api/v1/executions/${execution.id}`)).json();
    expect(['PENDING', 'DOWNLOADING']).toContain(read.status);
    expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).lastExecution).toMatchObject({ id: execution.id });
  });

  it('serves as lastExecution the newest run that is not SKIPPED, in every job representation', async () => {
    const job = await createJob();
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    await storeSkippedRun(job.id, new Date(Date.now() + 1000));

    const got = await (await api.request(`/api/v1/jobs/${job.id}`)).json();
    expect(got.lastExecution).toMatchObject({ id: started.id });
    const listed = await (await api.request(`/api/v1/jobs?namePrefix=${got.name}`)).json();
    expect(listed.jobs.map((one: { lastExecution: { id: string } }) => one.lastExecution.id)).toEqual([started.id]);
    const put = { name: got.name, jarURL: jarUrl, entryClass: 'com.example.Other' };
    const replaced = await (await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: put })).json();
    expect(replaced.lastExecution).toMatchObject({ id: started.id });
  });

  it('accepts restore options and records where the run restores from', async () => {
    const job = await createJob();
    const response = await api.request(`/api/v1/jobs/${job.id}/start`, {
      method: 'POST',
      json: { savepointPath: 'file:///savepoints/sp-1', allowNonRestoredState: true },
    });
    expect(response.status).toBe(202);
    expect((await response.json()).restoredFrom).toBe('file:///savepoints/sp-1');
  });

  it.each([
    [{ savepointPath: '' }, 'savepointPath'],
    [{ fromLastSavepoint: false }, 'fromLastSavepoint'],
    [{ savepointPath: 'file:///x', fromLastSavepoint: true }, 'fromLastSavepoint'],
    [{ allowNonRestoredState: 'yes' }, 'allowNonRestoredState'],
    [{ from_last_savepoint: true }, 'from_last_savepoint'],
  ])('rejects %j with 400 naming %s', async (body, path) => {
    const job = await createJob();
    const problem = await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: body }), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json()).executions).toEqual([]);
  });

  it('rejects a non-JSON body with 415 and bad JSON with 400', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', body: 'go', headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', body: '{', headers: { 'Content-Type': 'application/json' } }), 400, 'MALFORMED_JSON');
  });

  it('answers 409 NO_SAVEPOINT for fromLastSavepoint when no run took one, and 404 for an unknown job', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: { fromLastSavepoint: true } }), 409, 'NO_SAVEPOINT');
    await expectProblem(await api.request('/api/v1/jobs/00000000-0000-4000-8000-000000000000/start', { method: 'POST' }), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/jobs/nope/start', { method: 'POST' }), 404, 'JOB_NOT_FOUND');
  });
});

describe('the optional start and stop bodies', () => {
  it.each([
    ['no body', undefined, undefined],
    ['whitespace declared as JSON', ' \n ', 'application/json'],
    ['whitespace declared as text', '  ', 'text/plain'],
  ])('read %s as {} and go on to the job', async (_, body, contentType) => {
    // Answers from the service, not 400 or 415, show that the body was taken; no execution is started.
    const job = await createJob();
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const unknownJob = '/api/v1/jobs/00000000-0000-4000-8000-000000000000/start';
    await expectProblem(await api.request(unknownJob, { method: 'POST', body, headers }), 404, 'JOB_NOT_FOUND');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', body, headers }), 409, 'JOB_NOT_RUNNING');
  });

  it('checks a body that is there: media type, size, and fields of its own route only', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', body: '{"mode":', headers: { 'Content-Type': 'application/json' } }), 400, 'MALFORMED_JSON');
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: { savepointPath: 'x'.repeat(1024 * 1024) } }), 413, 'PAYLOAD_TOO_LARGE');
    const typo = await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { Mode: 'cancel' } }), 400, 'VALIDATION_FAILED');
    expect(typo.errors).toEqual([{ path: 'Mode', message: "unknown field; did you mean 'mode'?" }]);
    const elsewhere = await expectProblem(await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', json: { mode: 'cancel' } }), 400, 'VALIDATION_FAILED');
    expect(elsewhere.errors).toEqual([{ path: 'mode', message: 'unknown field' }]);
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json()).executions).toEqual([]);
  });

  it('are described in the OpenAPI document with their fields', async () => {
    const document = await (await api.request('/openapi.json')).json();
    const fieldsOf = (path: string) => {
      const body = document.paths[path].post.requestBody;
      expect(body.required).toBe(false);
      const schema = body.content['application/json'].schema;
      return Object.keys((schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema).properties);
    };
    expect(fieldsOf('/api/v1/jobs/{id}/start')).toEqual([
      'restore',
      'savepointPath',
      'allowNonRestoredState',
      'claimMode',
      'fromLastSavepoint',
      'scheduledFor',
    ]);
    expect(fieldsOf('/api/v1/jobs/{id}/stop')).toEqual(['mode', 'drain']);
    expect(fieldsOf('/api/v1/jobs/{id}/schedule/pause')).toEqual(['note']);
    expect(fieldsOf('/api/v1/jobs/{id}/schedule/resume')).toEqual([]);
    expect(fieldsOf('/api/v1/executions/{executionId}/retry')).toEqual([]);
  });
});

describe('POST /api/v1/jobs/:id/stop', () => {
  it('answers 409 JOB_NOT_RUNNING when no run is active, 404 for an unknown job', async () => {
    const job = await createJob();
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST' }), 409, 'JOB_NOT_RUNNING');
    await expectProblem(await api.request('/api/v1/jobs/nope/stop', { method: 'POST' }), 404, 'JOB_NOT_FOUND');
  });

  it('refuses a savepoint stop without a savepoint folder, and a bad mode', async () => {
    const job = await createJob();
    await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' });
    await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'savepoint' } }), 409, 'SAVEPOINT_DIR_NOT_CONFIGURED');
    const problem = await expectProblem(await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'kill' } }), 400, 'VALIDATION_FAILED');
    expect(problem.errors[0].path).toBe('mode');
  });

  it('stops a run that has not reached Flink: 202 STOPPING, then STOPPED', async () => {
    const job = await createJob();
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    const response = await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST', json: { mode: 'cancel' } });
    expect(response.status).toBe(202);
    expect((await response.json())).toMatchObject({ id: started.id, status: 'STOPPING' });
  });
});

describe('POST /api/v1/executions/:id/retry', () => {
  const failedRun = async (job: { id: string }) => {
    const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
    return waitFor(async () => (await api.request(`/api/v1/executions/${started.id}`)).json(), (e) => e.status === 'FAILED');
  };

  it('starts the next attempt of a failed run at once, once; 409 for a run that did not fail, 404 for none', async () => {
    const job = await createJob({ jarURL: 'http://127.0.0.1:1/jars/job.jar' });
    const failed = await failedRun(job);
    const response = await api.request(`/api/v1/executions/${failed.id}/retry`, { method: 'POST' });
    expect(response.status).toBe(202);
    const retry = await response.json();
    expect(response.headers.get('Location')).toBe(`/api/v1/executions/${retry.id}`);
    expect(retry).toMatchObject({ jobId: job.id, trigger: 'retry', attempt: 2, retryOf: failed.id, status: 'PENDING' });

    const twice = await expectProblem(await api.request(`/api/v1/executions/${failed.id}/retry`, { method: 'POST' }), 409, 'EXECUTION_ALREADY_RETRIED');
    expect(twice.detail).toContain(retry.id);
    const running = await createJob();
    const active = await (await api.request(`/api/v1/jobs/${running.id}/start`, { method: 'POST' })).json();
    const notFailed = await expectProblem(await api.request(`/api/v1/executions/${active.id}/retry`, { method: 'POST' }), 409, 'EXECUTION_NOT_FAILED');
    expect(notFailed.detail).toMatch(/is (PENDING|DOWNLOADING)/);
    await expectProblem(await api.request('/api/v1/executions/not-an-id/retry', { method: 'POST' }), 404, 'EXECUTION_NOT_FOUND');
    await expectProblem(
      await api.request('/api/v1/executions/00000000-0000-4000-8000-00000000dead/retry', { method: 'POST' }),
      404,
      'EXECUTION_NOT_FOUND',
    );
  });

  it('queues an automatic retry of a failed run as its retry policy says', async () => {
    const job = await createJob({
      jarURL: 'http://127.0.0.1:1/jars/job.jar',
      retryPolicy: { maxAttempts: 2, backoffSeconds: 120 },
    });
    const failed = await failedRun(job);
    const { executions } = await (await api.request(`/api/v1/jobs/${job.id}/executions`)).json();
    expect(executions).toHaveLength(2);
    const [retry] = executions;
    expect(retry).toMatchObject({ status: 'QUEUED', trigger: 'retry', attempt: 2, retryOf: failed.id });
    const wait = Date.parse(retry.queuedUntil) - Date.parse(failed.endedAt);
    expect(wait).toBeGreaterThanOrEqual(119_000);
    expect(wait).toBeLessThanOrEqual(121_000);
    // A stop is meant for the waiting retry too.
    const stopped = await api.request(`/api/v1/jobs/${job.id}/stop`, { method: 'POST' });
    expect(stopped.status).toBe(202);
    expect(await stopped.json()).toMatchObject({ id: retry.id, status: 'STOPPED' });
  });
});

describe('reading runs', () => {
  it('lists a job’s runs newest first with pagination and a status filter, each with its error', async () => {
    // Nothing listens on port 1: every run fails at once with JAR_DOWNLOAD_FAILED.
    const job = await createJob({ jarURL: 'http://127.0.0.1:1/jars/job.jar' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await (await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' })).json();
      ids.unshift(started.id);
      const ended = await waitFor(async () => (await api.request(`/api/v1/executions/${started.id}`)).json(), (e) => e.status === 'FAILED');
      expect(ended.error.code).toBe('JAR_DOWNLOAD_FAILED');
      expect(ended.error.message).toContain('http://127.0.0.1:1/jars/job.jar');
      expect(ended.durationMs).toBeGreaterThanOrEqual(0);
    }
    const first = await (await api.request(`/api/v1/jobs/${job.id}/executions?limit=2`)).json();
    expect(first.executions.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    const second = await (
      await api.request(`/api/v1/jobs/${job.id}/executions?limit=2&continuationToken=${first.nextContinuationToken}`)
    ).json();
    expect(second.executions.map((e: { id: string }) => e.id)).toEqual(ids.slice(2));
    expect(second.nextContinuationToken).toBeNull();
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions?status=FAILED`)).json()).executions).toHaveLength(3);
    expect((await (await api.request(`/api/v1/jobs/${job.id}/executions?status=RUNNING`)).json()).executions).toEqual([]);
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}/executions?status=RUNNING&continuationToken=${first.nextContinuationToken}`),
      400,
      'INVALID_CONTINUATION_TOKEN',
    );
  });

  it.each([['limit=0'], ['limit=201'], ['status=DONE'], ['continuationToken=abc'], ['foo=1']])('rejects %s with 400', async (query) => {
    const job = await createJob();
    const response = await api.request(`/api/v1/jobs/${job.id}/executions?${query}`);
    expect(response.status).toBe(400);
  });

  it('answers 404 JOB_NOT_FOUND for the runs of a job that never existed, and keeps a deleted job’s runs readable', async () => {
    await expectProblem(await api.request(`/api/v1/jobs/${randomUUID()}/executions`), 404, 'JOB_NOT_FOUND');
    const job = await createJob();
    const skippedId = await storeSkippedRun(job.id, new Date());
    expect((await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    const response = await api.request(`/api/v1/jobs/${job.id}/executions`);
    expect(response.status).toBe(200);
    expect((await response.json()).executions.map((run: { id: string }) => run.id)).toEqual([skippedId]);
  });

  it('answers 404 EXECUTION_NOT_FOUND for an unknown or malformed execution id', async () => {
    await expectProblem(await api.request('/api/v1/executions/00000000-0000-4000-8000-000000000000'), 404, 'EXECUTION_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/executions/nope'), 404, 'EXECUTION_NOT_FOUND');
  });

  it('refuses a jarURL on a host outside JAR_ALLOWED_HOSTS at create and replace, with 400', async () => {
    const problem = await expectProblem(
      await api.request('/api/v1/jobs', { method: 'POST', json: { name: 'elsewhere', jarURL: 'http://jars.example.org/a.jar', entryClass: 'a.B' } }),
      400,
      'JAR_URL_NOT_ALLOWED',
    );
    expect(problem.detail).toContain('jars.example.org');
    const job = await createJob();
    await expectProblem(
      await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: { name: 'x', jarURL: 'http://169.254.169.254/a.jar', entryClass: 'a.B' } }),
      400,
      'JAR_URL_NOT_ALLOWED',
    );
  });

  it('refuses a jarURL with credentials in it at create and replace, with 400, never repeating them', async () => {
    const withCredentials = jarUrl.replace('http://', 'http://ci:hunter2@');
    const job = await createJob();
    const refusals = [
      await api.request('/api/v1/jobs', { method: 'POST', json: { name: 'with-credentials', jarURL: withCredentials, entryClass: 'a.B' } }),
      await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: { name: 'x', jarURL: withCredentials, entryClass: 'a.B' } }),
    ];
    for (const response of refusals) {
      const problem = await expectProblem(response, 400, 'JAR_URL_NOT_ALLOWED');
      expect(problem.detail).toBe(
        'jarURL cannot be used: credentials in the URL (user:password@) are not accepted; per-host credentials come from JAR_FETCH_CREDENTIALS_FILE',
      );
      expect(JSON.stringify(problem)).not.toContain('hunter2');
    }
    expect((await (await api.request(`/api/v1/jobs/${job.id}`)).json()).jarURL).toBe(jarUrl);
    expect((await (await api.request('/api/v1/jobs?namePrefix=with-credentials')).json()).jobs).toEqual([]);
    expect(JSON.stringify(api.logLines)).not.toContain('hunter2');
  });
});
