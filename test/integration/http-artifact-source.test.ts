import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultAllowedHosts,
  HttpArtifactSource,
  parseAllowedHosts,
  type HttpArtifactSourceOptions,
} from '../../adapters/output/artifacts/http-artifact-source.js';
import { OutboundCredentials } from '../../adapters/output/outbound/outbound-credentials.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface TestServer {
  port: number;
  /** Base URL reached as 127.0.0.1. */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** The Authorization header of each request, in order. */
  authorizations: (string | undefined)[];
}

const servers: Server[] = [];
/** Ports of the servers a test started, closed ones included: the default allowlist of `aSource`. */
const ports: number[] = [];
let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'jar-cache-'));
});

afterEach(async () => {
  ports.splice(0);
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(cacheDir, { recursive: true, force: true });
});

async function serve(handler: Handler): Promise<TestServer> {
  const requests: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    authorizations.push(request.headers.authorization);
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  ports.push(port);
  return { port, url: `http://127.0.0.1:${port}`, requests, authorizations };
}

function serveBytes(body: Buffer): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/java-archive', 'content-length': body.length });
    response.end(body);
  };
}

function redirectTo(location: string, status = 302): Handler {
  return (_request, response) => {
    response.writeHead(status, { location });
    response.end();
  };
}

function sha256Of(...chunks: Buffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** A source that allows the test's servers (started before it), as 127.0.0.1:<port> and localhost:<port>. */
function aSource(options: Partial<HttpArtifactSourceOptions> = {}): HttpArtifactSource {
  return new HttpArtifactSource({
    cacheDir,
    dataProcessorUrl: 'http://data-processor:8080',
    allowedHosts: ports.flatMap((port) => [`127.0.0.1:${port}`, `localhost:${port}`]),
    maxBytes: 1024 * 1024,
    ...options,
  });
}

async function cacheFiles(): Promise<string[]> {
  return (await readdir(cacheDir)).sort();
}

const jarBytes = Buffer.from('PK\u0003\u0004 a pretend JAR with some content '.repeat(100));
const jarSha = sha256Of(jarBytes);

describe('HttpArtifactSource.refusalFor', () => {
  const source = () => aSource({ allowedHosts: ['data-processor:8080', 'repo.example', 'localhost:8080', '169.254.169.254'] });

  it.each([
    ['an allowed host:port', 'http://data-processor:8080/jars/a.jar', undefined],
    ['an allowed host in upper case, over https on its default port', 'https://REPO.EXAMPLE/a.jar', undefined],
    ['a path below the data processor', '/jars/a.jar', undefined],
    ['an allowed loopback host:port', 'http://localhost:8080/a.jar', undefined],
    ['a host allowed without port, on another port', 'https://repo.example:9443/a.jar', "host 'repo.example:9443' is not in"],
    ['credentials in the URL', 'http://ci:hunter2@data-processor:8080/a.jar', 'credentials in the URL (user:password@) are not accepted'],
    ['ftp', 'ftp://data-processor/a.jar', "scheme 'ftp' is not supported, only http and https"],
    ['file', 'file:///etc/passwd', "scheme 'file' is not supported, only http and https"],
    [
      'another host',
      'http://evil.example/a.jar',
      "host 'evil.example' is not in JAR_ALLOWED_HOSTS (data-processor:8080, repo.example, localhost:8080, 169.254.169.254)",
    ],
    ['an allowed host on another port', 'http://localhost:9999/a.jar', "host 'localhost:9999' is not in"],
    ['an allowed host:port on the default port', 'http://localhost/a.jar', "host 'localhost:80' is not in"],
    ['the metadata address, although listed', 'http://169.254.169.254/latest/meta-data', 'link-local'],
    ['the metadata address in hex', 'http://0xa9fea9fe/', 'link-local'],
    ['an IPv4-mapped link-local address', 'http://[::ffff:169.254.169.254]/', 'link-local'],
    ['an IPv6 link-local address', 'http://[fe80::1]/', 'link-local'],
    ['a path without a leading slash', 'jars/a.jar', "neither an absolute http(s) URL nor a path starting with '/'"],
  ])('%s: %s', (_case, jarURL, refusal) => {
    const reason = source().refusalFor(jarURL);
    if (refusal === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(refusal);
  });

  it('refuses a relative path when the data processor is not an allowed host', () => {
    expect(aSource({ allowedHosts: ['localhost'] }).refusalFor('/jars/a.jar')).toBe(
      "host 'data-processor' is not in JAR_ALLOWED_HOSTS (localhost)",
    );
    expect(aSource({ allowedHosts: ['data-processor'] }).refusalFor('/jars/a.jar')).toBe(
      "host 'data-processor:8080' is not in JAR_ALLOWED_HOSTS (data-processor)",
    );
  });

  it('never repeats credentials a jarURL carries', () => {
    const reason = source().refusalFor('http://ci:hunter2@data-processor:8080/a.jar');
    expect(reason).not.toContain('hunter2');
    expect(reason).not.toContain('ci:');
  });
});

describe('parseAllowedHosts and defaultAllowedHosts', () => {
  it.each([
    ['data-processor, localhost', ['data-processor', 'localhost']],
    [' Jars.Example.COM ,,localhost:8080, ', ['jars.example.com', 'localhost:8080']],
    ['[::1]:8080,::1,10.0.0.5', ['[::1]:8080', '[::1]', '10.0.0.5']],
    ['a,A,a.', ['a']],
    ['', []],
  ])('parses %j', (list, hosts) => {
    expect(parseAllowedHosts(list)).toEqual(hosts);
  });

  it.each(['http://x', 'host:port', 'host:0', 'host:70000', 'a b'])('rejects the entry %j, naming it', (entry) => {
    expect(() => parseAllowedHosts(`localhost,${entry}`)).toThrow(`JAR_ALLOWED_HOSTS entry '${entry}'`);
  });

  it('allows by default the origin of the data processor URL only (its host and port), loopback no more', () => {
    expect(defaultAllowedHosts('http://Data-Processor:8080/api')).toEqual(['data-processor:8080']);
    expect(defaultAllowedHosts('http://data-processor')).toEqual(['data-processor:80']);
    expect(defaultAllowedHosts('https://jars.example/')).toEqual(['jars.example:443']);
    expect(defaultAllowedHosts('http://127.0.0.1:8090')).toEqual(['127.0.0.1:8090']);
  });
});

describe('HttpArtifactSource.fetch', () => {
  it('downloads an absolute URL into <sha256>.jar and reports the checksum and size of the served bytes', async () => {
    const server = await serve(serveBytes(jarBytes));
    const artifact = await aSource().fetch(`${server.url}/jars/a.jar`, null);

    expect(artifact).toEqual({ path: join(cacheDir, `${jarSha}.jar`), sha256: jarSha, sizeBytes: jarBytes.length });
    expect(await cacheFiles()).toEqual([`${jarSha}.jar`]);
    expect(server.requests).toEqual(['/jars/a.jar']);
  });

  it('resolves a path against the data processor URL, keeping its base path', async () => {
    const server = await serve(serveBytes(jarBytes));
    const source = aSource({ dataProcessorUrl: `${server.url}/processor/` });

    const artifact = await source.fetch('/jars/a.jar?v=2', jarSha.toUpperCase());

    expect(artifact.sha256).toBe(jarSha);
    expect(server.requests).toEqual(['/processor/jars/a.jar?v=2']);
  });

  it('serves a JAR whose checksum is given from the cache without a request', async () => {
    const server = await serve(serveBytes(jarBytes));
    const source = aSource();
    const first = await source.fetch(`${server.url}/a.jar`, jarSha);

    const second = await source.fetch(`${server.url}/a.jar`, jarSha);

    expect(second).toEqual(first);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a JAR whose checksum differs, naming both, and leaves the cache as it was', async () => {
    await writeFile(join(cacheDir, `${'0'.repeat(64)}.jar`), 'older');
    const server = await serve(serveBytes(jarBytes));
    const expected = 'a'.repeat(64);

    await expect(aSource().fetch(`${server.url}/a.jar`, expected)).rejects.toMatchObject({
      code: 'JAR_CHECKSUM_MISMATCH',
      message: expect.stringMatching(new RegExp(`${jarSha}.*${expected}`)),
    });
    expect(await cacheFiles()).toEqual([`${'0'.repeat(64)}.jar`]);
  });

  it('refuses a JAR whose Content-Length is above the limit before reading it', async () => {
    const server = await serve(serveBytes(jarBytes));

    await expect(aSource({ maxBytes: jarBytes.length - 1 }).fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_TOO_LARGE',
      message: expect.stringContaining(`declares ${jarBytes.length} bytes`),
    });
    expect(await cacheFiles()).toEqual([]);
  });

  it('stops a chunked download once more than the limit has arrived and removes the partial file', async () => {
    let chunksSent = 0;
    const server = await serve((_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 1);
      const endless = async function* () {
        for (;;) {
          chunksSent++;
          yield chunk;
        }
      };
      Readable.from(endless()).pipe(response);
    });

    await expect(aSource({ maxBytes: 100_000 }).fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_TOO_LARGE',
      message: expect.stringContaining('more bytes arrived'),
    });
    expect(await cacheFiles()).toEqual([]);
    expect(chunksSent).toBeLessThan(1000);
  });

  it('accepts a JAR of exactly the limit', async () => {
    const server = await serve(serveBytes(jarBytes));
    const artifact = await aSource({ maxBytes: jarBytes.length }).fetch(`${server.url}/a.jar`, null);
    expect(artifact.sizeBytes).toBe(jarBytes.length);
  });

  it('reports an HTTP error status with the URL', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(404);
      response.end('no such jar');
    });

    await expect(aSource().fetch(`${server.url}/missing.jar`, null)).rejects.toMatchObject({
      code: 'JAR_DOWNLOAD_FAILED',
      message: `Downloading ${server.url}/missing.jar failed: HTTP 404 Not Found`,
    });
    expect(await cacheFiles()).toEqual([]);
  });

  it('reports a connection that breaks in the middle of the body and removes the partial file', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': 1000 });
      response.write(Buffer.alloc(500));
      setTimeout(() => response.destroy(), 20);
    });

    await expect(aSource().fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({ code: 'JAR_DOWNLOAD_FAILED' });
    expect(await cacheFiles()).toEqual([]);
  });

  it('gives up when nothing arrives for the idle timeout', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      response.write(Buffer.alloc(100));
    });

    await expect(aSource({ idleTimeoutMs: 200 }).fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_DOWNLOAD_FAILED',
      message: `Downloading ${server.url}/a.jar failed: nothing arrived for 200 ms`,
    });
    expect(await cacheFiles()).toEqual([]);
  });

  it('gives up when the whole download takes longer than the timeout, even while bytes keep arriving', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      const trickle = setInterval(() => response.write(Buffer.alloc(10)), 20);
      response.on('close', () => clearInterval(trickle));
    });

    await expect(aSource({ timeoutMs: 300 }).fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_DOWNLOAD_FAILED',
      message: `Downloading ${server.url}/a.jar failed: it took longer than 300 ms`,
    });
    expect(await cacheFiles()).toEqual([]);
  });

  it('refuses a URL whose host is not allowed without sending a request', async () => {
    const server = await serve(serveBytes(jarBytes));

    await expect(aSource({ allowedHosts: ['localhost'] }).fetch(`${server.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_URL_NOT_ALLOWED',
      message: expect.stringContaining("host '127.0.0.1' is not in JAR_ALLOWED_HOSTS (localhost)"),
    });
    expect(server.requests).toEqual([]);
  });

  describe('redirects', () => {
    it('follows redirects to allowed hosts, absolute and relative', async () => {
      const hop = redirectTo('/jars/b.jar', 307);
      const jar = serveBytes(jarBytes);
      const target = await serve((request, response) => (request.url === '/hop' ? hop : jar)(request, response));
      const origin = await serve(redirectTo(`http://localhost:${target.port}/hop`));

      const artifact = await aSource().fetch(`${origin.url}/a.jar`, jarSha);

      expect(artifact.sha256).toBe(jarSha);
      expect(origin.requests).toEqual(['/a.jar']);
      expect(target.requests).toEqual(['/hop', '/jars/b.jar']);
    });

    it('refuses a redirect to a host that is not allowed before connecting to it', async () => {
      const target = await serve(serveBytes(jarBytes));
      const origin = await serve(redirectTo(`http://localhost:${target.port}/b.jar`));
      const source = aSource({ allowedHosts: [`127.0.0.1:${origin.port}`] });

      await expect(source.fetch(`${origin.url}/a.jar`, null)).rejects.toMatchObject({
        code: 'JAR_URL_NOT_ALLOWED',
        message:
          `${origin.url}/a.jar redirected to http://localhost:${target.port}/b.jar, which is not allowed: ` +
          `host 'localhost' is not in JAR_ALLOWED_HOSTS (127.0.0.1:${origin.port})`,
      });
      expect(target.requests).toEqual([]);
    });

    it('refuses a redirect to the metadata address', async () => {
      const origin = await serve(redirectTo('http://169.254.169.254/latest/meta-data/'));

      await expect(aSource().fetch(`${origin.url}/a.jar`, null)).rejects.toMatchObject({
        code: 'JAR_URL_NOT_ALLOWED',
        message: expect.stringContaining('link-local'),
      });
    });

    it('gives up after maxRedirects redirects', async () => {
      const loop = await serve(redirectTo('/loop'));

      await expect(aSource({ maxRedirects: 2 }).fetch(`${loop.url}/loop`, null)).rejects.toMatchObject({
        code: 'JAR_DOWNLOAD_FAILED',
        message: `Downloading ${loop.url}/loop failed: it redirected more than 2 times`,
      });
      expect(loop.requests).toHaveLength(3);
    });
  });

  describe('address checks', () => {
    const lookupFor =
      (addresses: Record<string, string[]>) =>
      async (hostname: string) => {
        const found = addresses[hostname];
        if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };

    it.each([
      ['169.254.169.254'],
      ['127.0.0.1', '169.254.10.1'],
      ['fe80::1'],
      ['::ffff:169.254.169.254'],
    ])('refuses a host that resolves to %s before connecting', async (...addresses) => {
      const source = aSource({ allowedHosts: ['metadata.test'], lookup: lookupFor({ 'metadata.test': addresses }) });

      await expect(source.fetch('http://metadata.test/latest/meta-data', null)).rejects.toMatchObject({
        code: 'JAR_URL_NOT_ALLOWED',
        message: expect.stringContaining(`host 'metadata.test' resolves to ${addresses.at(-1)}`),
      });
    });

    it('connects to the address it checked, not to a fresh DNS answer', async () => {
      const server = await serve(serveBytes(jarBytes));
      const source = aSource({
        allowedHosts: [`jars.test:${server.port}`],
        lookup: lookupFor({ 'jars.test': ['127.0.0.1'] }),
      });

      const artifact = await source.fetch(`http://jars.test:${server.port}/a.jar`, null);

      expect(artifact.sha256).toBe(jarSha);
      expect(server.requests).toEqual(['/a.jar']);
    });

    it('reports a host that does not resolve', async () => {
      const source = aSource({ allowedHosts: ['nowhere.test'], lookup: lookupFor({}) });

      await expect(source.fetch('http://nowhere.test/a.jar', null)).rejects.toMatchObject({
        code: 'JAR_DOWNLOAD_FAILED',
        message: 'Downloading http://nowhere.test/a.jar failed: getaddrinfo ENOTFOUND nowhere.test',
      });
    });
  });

  it('lets parallel fetches of the same URL all succeed into one cache file', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      // Split the body so the downloads interleave.
      response.write(jarBytes.subarray(0, 1000));
      setTimeout(() => response.end(jarBytes.subarray(1000)), 20);
    });
    const source = aSource();

    const artifacts = await Promise.all(Array.from({ length: 8 }, () => source.fetch(`${server.url}/a.jar`, null)));

    expect(new Set(artifacts.map((artifact) => artifact.path))).toEqual(new Set([join(cacheDir, `${jarSha}.jar`)]));
    expect(artifacts.every((artifact) => artifact.sizeBytes === jarBytes.length)).toBe(true);
    expect(await cacheFiles()).toEqual([`${jarSha}.jar`]);
    expect(server.requests).toHaveLength(8);
  });

  it('streams a 256 MiB JAR to disk without holding it in memory', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'flink');
    const chunkCount = 4096;
    const size = chunk.length * chunkCount;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': size });
      Readable.from(
        (function* () {
          for (let index = 0; index < chunkCount; index++) yield chunk;
        })(),
      ).pipe(response);
    });
    const source = aSource({ maxBytes: 512 * 1024 * 1024 });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);

    try {
      const artifact = await source.fetch(`${server.url}/big.jar`, null);
      expect(artifact).toMatchObject({ sizeBytes: size, sha256: sha256Of(...Array<Buffer>(chunkCount).fill(chunk)) });
    } finally {
      clearInterval(sampler);
    }
    // Holding the JAR would cost all of its 256 MiB; the test server shares this process, and how much garbage
    // stays resident between collections differs between Node versions, hence half the size as the bound.
    expect(peak - baseline).toBeLessThan(size / 2);
  });
});

describe('the outbound policy, on real servers', () => {
  /** The error `promise` rejects with. */
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: Error & { code: string }) => error);

  it('refuses loopback by default (the data processor origin only) without a request, and fetches it once listed', async () => {
    const server = await serve(serveBytes(jarBytes));
    const byDefault = aSource({ allowedHosts: defaultAllowedHosts('http://data-processor:8080') });

    for (const url of [`${server.url}/a.jar`, `http://localhost:${server.port}/a.jar`, `http://[::1]:${server.port}/a.jar`]) {
      await expect(byDefault.fetch(url, null)).rejects.toMatchObject({
        code: 'JAR_URL_NOT_ALLOWED',
        message: expect.stringContaining('is not in JAR_ALLOWED_HOSTS (data-processor:8080)'),
      });
    }
    expect(server.requests).toEqual([]);
    const listed = aSource({ allowedHosts: [`127.0.0.1:${server.port}`] });
    expect((await listed.fetch(`${server.url}/a.jar`, null)).sha256).toBe(jarSha);
  });

  it('allows a listed host:port and refuses the same host on another port, also as a redirect target', async () => {
    const other = await serve(serveBytes(jarBytes));
    const listed = await serve((request, response) =>
      (request.url === '/hop' ? redirectTo(`${other.url}/b.jar`) : serveBytes(jarBytes))(request, response),
    );
    const source = aSource({ allowedHosts: [`127.0.0.1:${listed.port}`] });

    expect((await source.fetch(`${listed.url}/a.jar`, null)).sha256).toBe(jarSha);
    await expect(source.fetch(`${other.url}/a.jar`, null)).rejects.toMatchObject({
      code: 'JAR_URL_NOT_ALLOWED',
      message: `${other.url}/a.jar is not allowed: host '127.0.0.1:${other.port}' is not in JAR_ALLOWED_HOSTS (127.0.0.1:${listed.port})`,
    });
    await expect(source.fetch(`${listed.url}/hop`, null)).rejects.toMatchObject({ code: 'JAR_URL_NOT_ALLOWED' });
    expect(other.requests).toEqual([]);
  });

  it('says the same for a closed port, a silent one, a hang-up and a timeout before any response', async () => {
    const closed = await serve(serveBytes(jarBytes));
    const closing = servers.pop()!;
    await new Promise((resolve) => closing.close(resolve));
    const silent = await serve(() => {});
    const hangUp = await serve((request) => request.socket.destroy());
    const source = aSource({ idleTimeoutMs: 300 });
    const slowSource = aSource({ idleTimeoutMs: 60_000, timeoutMs: 300 });

    const errors = [
      await failure(source.fetch(`${closed.url}/a.jar`, null)),
      await failure(source.fetch(`${silent.url}/a.jar`, null)),
      await failure(source.fetch(`${hangUp.url}/a.jar`, null)),
      await failure(slowSource.fetch(`${silent.url}/a.jar`, null)),
    ];

    const servedBy = [closed, silent, hangUp, silent];
    const messages = errors.map((error, index) => error.message.replace(servedBy[index]!.url, '<server>'));
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['JAR_DOWNLOAD_FAILED']));
    expect(messages).toEqual(Array(4).fill('Downloading <server>/a.jar failed: no HTTP response'));
  });

  it('refuses a jarURL or a redirect with credentials in it, without a request and without repeating them', async () => {
    const server = await serve(serveBytes(jarBytes));
    const redirecting = await serve(redirectTo(`http://ci:hunter2@127.0.0.1:${server.port}/b.jar`));
    const source = aSource();

    for (const attempt of [
      source.fetch(`http://ci:hunter2@127.0.0.1:${server.port}/a.jar`, null),
      source.fetch(`${redirecting.url}/a.jar`, null),
    ]) {
      const error = await failure(attempt);
      expect(error.code).toBe('JAR_URL_NOT_ALLOWED');
      expect(error.message).toContain('credentials in the URL (user:password@) are not accepted');
      expect(inspect(error, { depth: 5 })).not.toContain('hunter2');
    }
    expect(source.refusalFor(`http://ci:hunter2@127.0.0.1:${server.port}/a.jar`)).not.toContain('hunter2');
    expect(server.requests).toEqual([]);
  });

  it('sends the Authorization header of JAR_FETCH_CREDENTIALS_FILE to its host:port only, not after a redirect elsewhere', async () => {
    const elsewhere = await serve(serveBytes(jarBytes));
    const listed = await serve((request, response) =>
      (request.url === '/a.jar' ? redirectTo('/hop') : redirectTo(`${elsewhere.url}/b.jar`))(request, response),
    );
    const credentials = OutboundCredentials.parse(`127.0.0.1:${listed.port} bearer tok-SECRET\n`);

    const artifact = await aSource({ credentials }).fetch(`${listed.url}/a.jar`, null);

    expect(artifact.sha256).toBe(jarSha);
    expect(listed.requests).toEqual(['/a.jar', '/hop']);
    expect(listed.authorizations).toEqual(['Bearer tok-SECRET', 'Bearer tok-SECRET']);
    expect(elsewhere.requests).toEqual(['/b.jar']);
    expect(elsewhere.authorizations, 'the same host on another port is another origin').toEqual([undefined]);
  });

  it('never puts a secret of the credentials file in an error', async () => {
    const refusing = await serve((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Bearer' });
      response.end();
    });
    const hangUp = await serve((request) => request.socket.destroy());
    const basicSecret = Buffer.from('ci:pw-SECRET').toString('base64');
    const credentials = OutboundCredentials.parse(
      `127.0.0.1:${refusing.port} bearer tok-SECRET\n127.0.0.1:${hangUp.port} basic ci:pw-SECRET\n`,
    );
    const source = aSource({ credentials });

    const errors = [await failure(source.fetch(`${refusing.url}/a.jar`, null)), await failure(source.fetch(`${hangUp.url}/a.jar`, null))];

    expect(errors.map((error) => error.message)).toEqual([
      `Downloading ${refusing.url}/a.jar failed: HTTP 401 Unauthorized`,
      `Downloading ${hangUp.url}/a.jar failed: no HTTP response`,
    ]);
    expect(refusing.authorizations).toEqual(['Bearer tok-SECRET']);
    for (const error of errors) {
      for (const text of [inspect(error, { depth: 8, showHidden: true }), JSON.stringify(error)]) {
        expect(text).not.toContain('SECRET');
        expect(text).not.toContain(basicSecret);
      }
    }
  });
});
