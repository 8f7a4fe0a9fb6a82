import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { SseClient, type SseMessage } from '../support/sse-client.js';

/** A JAR host that answers only when told to, with a 404: a run stays DOWNLOADING until then, and then fails. */
let stalledJarHost: Server;
let stalledJarUrl: string;
const waiting: ServerResponse[] = [];
const answerDownloads = () => {
  for (const response of waiting.splice(0)) response.writeHead(404).end();
};
const backends = await testAppBackends();

beforeAll(async () => {
  stalledJarHost = createServer((_request, response) => void waiting.push(response));
  await new Promise<void>((resolve) => stalledJarHost.listen(0, '127.0.0.1', resolve));
  stalledJarUrl = `http://127.0.0.1:${(stalledJarHost.address() as AddressInfo).port}/jars/job.jar`;
});
afterAll(() => {
  answerDownloads();
  stalledJarHost.closeAllConnections();
  stalledJarHost.close();
});

const cloudEvent = (message: SseMessage) => JSON.parse(message.data);

describe.each(backends)('event streams over HTTP on $name', (backend) => {
  let api: TestApp;
  let server: ServerType;
  let baseUrl: string;
  const open: SseClient[] = [];

  beforeAll(async () => {
    if (backend.skipReason) return;
    const stalledPort = new URL(stalledJarUrl).port;
    api = await backend.start(
      loadConfig({
        FLINK_JOBMANAGER_URL: 'http://127.0.0.1:1',
        // Loopback is allowed port by port: the stalled host, and port 1 where nothing listens (a run fails at once).
        JAR_ALLOWED_HOSTS: `127.0.0.1:${stalledPort},127.0.0.1:1`,
        EVENT_STREAM_POLL_INTERVAL_MS: '100',
        EVENT_STREAM_HEARTBEAT_SECONDS: '0.3',
      }),
    );
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const client of open) client.close();
    (server as Server | undefined)?.closeAllConnections();
    server?.close();
    await api?.close();
  });

  const stream = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${baseUrl}${path}`, headers);
    open.push(client);
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get('Content-Type')).toBe('text/event-stream');
    return client;
  };
  let counter = 0;
  const createJob = async (jarURL = 'http://127.0.0.1:1/jars/job.jar'): Promise<string> => {
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { name: `stream-${backend.name}-${++counter}`, jarURL, entryClass: 'com.example.Main' },
    });
    expect(response.status).toBe(201);
    return (await response.json()).id;
  };
  const lastSequence = async () => (await (await api.request('/api/v1/events?limit=200')).json()).nextAfter as string | null;

  it.skipIf(backend.skipReason)('sends each event as it happens: id its sequence, event its type, data the CloudEvent', async () => {
    const start = await lastSequence();
    const client = await stream(`/api/v1/events/stream${start ? `?after=${start}` : ''}`);
    const jobId = await createJob();
    const [created] = await client.take(1);
    await api.request(`/api/v1/jobs/${jobId}`, { method: 'DELETE' });
    const [deleted] = await client.take(1);
    expect([created!.event, deleted!.event]).toEqual(['job.created', 'job.deleted']);
    const listed = (await (await api.request(`/api/v1/events?jobId=${jobId}`)).json()).events;
    expect([cloudEvent(created!), cloudEvent(deleted!)]).toEqual(listed);
    expect([created!.id, deleted!.id]).toEqual(listed.map((event: { sequence: string }) => event.sequence));
  });

  it.skipIf(backend.skipReason)('resumes after a disconnect with Last-Event-ID: no gap, no repeat', async () => {
    const start = (await lastSequence()) ?? '';
    const first = await stream(`/api/v1/events/stream?type=job.created${start ? `&after=${start}` : ''}`);
    const jobs = [await createJob(), await createJob(), await createJob()];
    const before = await first.take(2);
    first.close();
    jobs.push(await createJob(), await createJob());
    const resumed = await stream('/api/v1/events/stream?type=job.created', { 'Last-Event-ID': before[1]!.id! });
    const after = await resumed.take(3);
    expect([...before, ...after].map((message) => cloudEvent(message).subject)).toEqual(jobs);
    // The query's `after` gives way to the header.
    const both = await stream(`/api/v1/events/stream?type=job.created&after=${start || before[0]!.id}`, { 'Last-Event-ID': after[1]!.id! });
    expect(cloudEvent((await both.take(1))[0]!).subject).toBe(jobs[4]);
  });

  it.skipIf(backend.skipReason)('filters by type and job', async () => {
    const start = (await lastSequence()) ?? '';
    const [a, b] = [await createJob(), await createJob()];
    const client = await stream(`/api/v1/events/stream?jobId=${b}&type=job.deleted${start ? `&after=${start}` : ''}`);
    for (const id of [a, b]) await api.request(`/api/v1/jobs/${id}`, { method: 'DELETE' });
    const [message] = await client.take(1);
    expect(message).toMatchObject({ event: 'job.deleted' });
    expect(cloudEvent(message!).subject).toBe(b);
    // Nothing else comes for that filter: only heartbeats.
    await expect(client.next(1_000)).rejects.toThrow(/no message/);
  });

  it.skipIf(backend.skipReason)('sends a keep-alive comment while nothing happens', async () => {
    const client = await stream(`/api/v1/events/stream?jobId=00000000-0000-4000-8000-000000000000`);
    expect(await client.nextComment(3_000)).toBe(': keep-alive');
  });

  it.skipIf(backend.skipReason)("follows a run live and closes after its terminal event", async () => {
    const jobId = await createJob(stalledJarUrl);
    const execution = await (await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST' })).json();
    const client = await stream(`/api/v1/executions/${execution.id}/events`);
    const [queued] = await client.take(1);
    expect(queued).toMatchObject({ event: 'run.queued' });
    expect(cloudEvent(queued!).data).toMatchObject({ id: execution.id, status: 'PENDING' });
    // Still going: nothing more comes until the download is answered.
    await expect(client.next(500)).rejects.toThrow(/no message/);
    answerDownloads();
    const [failed] = await client.take(1);
    expect(failed).toMatchObject({ event: 'run.failed' });
    expect(cloudEvent(failed!).data).toMatchObject({ id: execution.id, status: 'FAILED', error: { code: 'JAR_DOWNLOAD_FAILED' } });
    expect(await client.next(5_000)).toBeNull();
  });

  it.skipIf(backend.skipReason)("gives a finished run's history and closes; only that run's events", async () => {
    const jobId = await createJob('http://127.0.0.1:1/jars/job.jar');
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const run = await (await api.request(`/api/v1/jobs/${jobId}/start`, { method: 'POST' })).json();
      const client = await stream(`/api/v1/executions/${run.id}/events`);
      const messages: SseMessage[] = [];
      for (let message = await client.next(15_000); message; message = await client.next(15_000)) messages.push(message);
      expect(messages.map((message) => message.event)).toEqual(['run.queued', 'run.failed']);
      expect(messages.every((message) => cloudEvent(message).data.id === run.id)).toBe(true);
      runs.push(messages);
    }
    // Resuming after the last event of an ended run: nothing more, and the stream closes.
    const last = runs[1]![1]!;
    const resumed = await stream(`/api/v1/executions/${cloudEvent(last).data.id}/events`, { 'Last-Event-ID': last.id! });
    expect(await resumed.next(5_000)).toBeNull();
  });

  it.skipIf(backend.skipReason)('answers a bad query or position with 400, an unknown execution with 404, before streaming', async () => {
    for (const query of ['?type=run.exploded', '?jobId=42', '?after=abc', '?after=99999999', '?limit=10']) {
      await expectProblem(await api.request(`/api/v1/events/stream${query}`), 400, 'VALIDATION_FAILED');
    }
    await expectProblem(await api.request('/api/v1/events/stream', { headers: { 'Last-Event-ID': 'abc' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(await api.request('/api/v1/events/stream', { headers: { 'Last-Event-ID': '99999999' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(await api.request('/api/v1/executions/00000000-0000-4000-8000-00000000dead/events'), 404, 'EXECUTION_NOT_FOUND');
    await expectProblem(await api.request('/api/v1/executions/not-an-id/events'), 404, 'EXECUTION_NOT_FOUND');
  });
});
