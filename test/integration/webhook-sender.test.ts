import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendResult, WebhookSecrets } from '../../domain/entities/webhook.js';
import type { HostLookup } from '../../adapters/output/outbound/checked-addresses.js';
import { HttpWebhookSender } from '../../adapters/output/webhooks/http-webhook-sender.js';
import { webhookOutboundPolicy } from '../../adapters/output/webhooks/webhook-policy.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  /** A URL of this receiver whose path and query hold a token, which no error may repeat. */
  url: string;
  requests: Received[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1 that records each request, its body read in full, before `handler` answers. */
async function receiver(handler: Handler): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}/hooks/tok-SECRET?key=SECRET`, requests };
}

function answer(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}

const NOW = new Date('2025-03-01T12:00:00.000Z');
const secrets: WebhookSecrets = {
  current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  previous: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
};
const body = JSON.stringify({ id: 'evt_1', type: 'run.succeeded', data: { jobId: 'job_1' } });

/** A sender whose policy allows any public host and the given receivers' 127.0.0.1:<port>. */
function aSender(listed: Receiver[], options: { timeoutMs?: number; lookup?: HostLookup; extra?: string[] } = {}) {
  const allowed = ['*', ...listed.map((server) => `127.0.0.1:${server.port}`), ...(options.extra ?? [])];
  return new HttpWebhookSender({ policy: webhookOutboundPolicy(allowed), timeoutMs: options.timeoutMs, lookup: options.lookup, now: () => NOW });
}

/** Sends the test event to `url`, and checks that no error repeats the URL's path or query. */
async function send(sender: HttpWebhookSender, url: string): Promise<SendResult> {
  const result = await sender.send({ url, id: 'evt_1', body, secrets });
  expect(result.error ?? '').not.toContain('SECRET');
  expect(result.error ?? '').not.toContain('/hooks');
  return result;
}

function expectedSignature(secret: string, id: string, timestamp: string, signed: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${signed}`).digest('base64')}`;
}

describe('HttpWebhookSender.send', () => {
  it('POSTs the body with Standard Webhooks headers that verify with the current and the previous secret', async () => {
    const server = await receiver(answer(204));

    const result = await send(aSender([server]), server.url);

    expect(result).toEqual({ statusCode: 204, durationMs: expect.any(Number), responseExcerpt: '' });
    const [request] = server.requests;
    expect(server.requests).toHaveLength(1);
    expect(request!.path).toBe('/hooks/tok-SECRET?key=SECRET');
    expect(request!.body).toBe(body);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'flink-job-scheduler',
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(NOW.getTime() / 1000),
    });
    const timestamp = request!.headers['webhook-timestamp'] as string;
    expect(request!.headers['webhook-signature']).toBe(
      [secrets.current, secrets.previous!].map((secret) => expectedSignature(secret, 'evt_1', timestamp, body)).join(' '),
    );
  });

  it('signs with the current secret alone when there is no previous one', async () => {
    const server = await receiver(answer(200, 'ok'));

    await aSender([server]).send({ url: server.url, id: 'evt_2', body, secrets: { current: secrets.current, previous: null } });

    const timestamp = server.requests[0]!.headers['webhook-timestamp'] as string;
    expect(server.requests[0]!.headers['webhook-signature']).toBe(expectedSignature(secrets.current, 'evt_2', timestamp, body));
  });

  it('keeps the first KiB of a large body as the excerpt and stops reading', async () => {
    let finished = false;
    const server = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // 64 MiB, written as the socket takes it: far more than socket buffers hold.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent < 1024) {
          sent++;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end(() => (finished = true));
      };
      more();
    });

    const result = await send(aSender([server]), server.url);

    expect(result).toMatchObject({ statusCode: 200, responseExcerpt: 'a'.repeat(1024) });
    expect(result.error).toBeUndefined();
    expect(finished, 'the body was not read to its end').toBe(false);
  });

  it('cuts the excerpt at 1024 bytes without splitting a character', async () => {
    const server = await receiver(answer(200, '€'.repeat(1000)));

    const { responseExcerpt } = await send(aSender([server]), server.url);

    expect(responseExcerpt).toBe('€'.repeat(341));
    expect(Buffer.byteLength(responseExcerpt!)).toBeLessThanOrEqual(1024);
  });

  it('reports 410 Gone as a failure with its status and body', async () => {
    const server = await receiver(answer(410, 'no such hook'));

    expect(await send(aSender([server]), server.url)).toEqual({
      statusCode: 410,
      durationMs: expect.any(Number),
      responseExcerpt: 'no such hook',
      error: 'the receiver answered 410',
    });
  });

  it.each([
    ['delta-seconds', '120', 120_000],
    ['an HTTP-date', new Date(NOW.getTime() + 90_000).toUTCString(), 90_000],
    ['an HTTP-date in the past', new Date(NOW.getTime() - 90_000).toUTCString(), 0],
  ])('reads Retry-After given as %s', async (_case, retryAfter, expected) => {
    const server = await receiver(answer(503, 'busy', { 'retry-after': retryAfter }));

    expect(await send(aSender([server]), server.url)).toMatchObject({
      statusCode: 503,
      error: 'the receiver answered 503',
      retryAfterMs: expected,
    });
  });

  it('leaves out a Retry-After it cannot read', async () => {
    const server = await receiver(answer(503, '', { 'retry-after': 'soon' }));

    const result = await send(aSender([server]), server.url);

    expect(result.statusCode).toBe(503);
    expect(result).not.toHaveProperty('retryAfterMs');
  });

  it('does not follow a redirect, and says so', async () => {
    const server = await receiver(answer(307, '', { location: '/elsewhere' }));

    const result = await send(aSender([server]), server.url);

    expect(result).toMatchObject({ statusCode: 307, error: 'the receiver answered 307, a redirect; redirects are not followed' });
    expect(server.requests.map((request) => request.path)).toEqual(['/hooks/tok-SECRET?key=SECRET']);
  });
});

describe('HttpWebhookSender.send without a response', () => {
  it('gives up on a receiver that never answers after the timeout', async () => {
    const server = await receiver(() => {});
    const started = performance.now();

    const result = await send(aSender([server], { timeoutMs: 300 }), server.url);

    const elapsed = performance.now() - started;
    expect(result).toEqual({
      statusCode: null,
      durationMs: expect.any(Number),
      responseExcerpt: null,
      error: 'no HTTP response (nothing within 300 ms)',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it('ends a body that trickles past the timeout, keeping the status and what arrived', async () => {
    const server = await receiver((_request, response) => {
      response.writeHead(200);
      response.write('x');
      const trickle = setInterval(() => response.write('x'), 50);
      response.on('close', () => clearInterval(trickle));
    });
    const started = performance.now();

    const result = await send(aSender([server], { timeoutMs: 300 }), server.url);

    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.statusCode).toBe(200);
    expect(result.responseExcerpt).toMatch(/^x+$/);
  });

  it('reports a closed port as no HTTP response', async () => {
    const closed = await receiver(answer(200));
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));

    expect(await send(aSender([closed]), closed.url)).toMatchObject({
      statusCode: null,
      responseExcerpt: null,
      error: 'no HTTP response (ECONNREFUSED)',
    });
  });

  it('reports a receiver that hangs up as no HTTP response', async () => {
    const server = await receiver((request) => request.socket.destroy());

    expect(await send(aSender([server]), server.url)).toMatchObject({ statusCode: null, error: 'no HTTP response (ECONNRESET)' });
  });

  it('reports a host that does not resolve, naming the host only', async () => {
    const lookup: HostLookup = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };

    expect(await send(aSender([], { lookup }), 'https://nowhere.example/hooks/tok-SECRET')).toMatchObject({
      statusCode: null,
      error: 'no HTTP response (getaddrinfo ENOTFOUND nowhere.example)',
    });
  });
});

describe('HttpWebhookSender and the outbound policy', () => {
  it('refuses loopback that is not listed without sending a request', async () => {
    const server = await receiver(answer(200));

    const result = await send(aSender([]), server.url);

    expect(result).toEqual({
      statusCode: null,
      durationMs: expect.any(Number),
      responseExcerpt: null,
      error:
        "the URL is not allowed: host '127.0.0.1' is a loopback address (127.0.0.0/8 or ::1), " +
        'which is allowed only when listed in WEBHOOK_ALLOWED_HOSTS (*)',
    });
    expect(server.requests).toEqual([]);
  });

  it('refuses a public name that resolves to loopback, and delivers to the checked address once it is listed', async () => {
    const server = await receiver(answer(200));
    const lookup: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const url = `http://hooks.example:${server.port}/hooks/tok-SECRET`;

    const refused = await send(aSender([], { lookup }), url);
    const listed = await send(aSender([], { lookup, extra: [`hooks.example:${server.port}`] }), url);

    expect(refused).toMatchObject({
      statusCode: null,
      error: expect.stringContaining("the URL is not allowed: host 'hooks.example' resolves to 127.0.0.1, a loopback address"),
    });
    expect(listed).toMatchObject({ statusCode: 200 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.host).toBe(`hooks.example:${server.port}`);
  });

  it('says why a URL may not be a webhook URL', () => {
    const sender = aSender([]);

    expect(sender.refusalFor('not a url')).toBe('it is not an absolute URL');
    expect(sender.refusalFor('https://receiver.example/hooks/tok-SECRET')).toBeUndefined();
    expect(sender.refusalFor('http://10.0.0.7/hooks/tok-SECRET')).toContain("host '10.0.0.7' is a private address");
    expect(sender.refusalFor('http://169.254.169.254/latest')).toContain('never allowed');
    expect(sender.refusalFor('ftp://receiver.example/')).toBe("scheme 'ftp' is not supported, only http and https");
  });

  it('makes new whsec_ secrets', () => {
    expect(aSender([]).newSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});
