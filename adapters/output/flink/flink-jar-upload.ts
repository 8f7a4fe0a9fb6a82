import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import FormData from 'form-data';

type Fetch = typeof globalThis.fetch;

/**
 * A `fetch` for ky's `POST /jars/upload` that sends the JAR as multipart/form-data (one part, `jarfile`) read from
 * disk while it is sent, so a JAR of any size costs a few chunks of memory. Use it once, with retries off.
 *
 * The body is not given to ky: ky clones each request before sending it (to have a copy for a retry), and cloning
 * a streamed body tees it, so the unread copy would keep every chunk fetch sends: the whole JAR. undici's fetch
 * clones the same way to be able to follow a redirect, unless `redirect` is 'error'. form-data is an old-style
 * stream that neither fetch nor `Readable.toWeb` takes, hence the PassThrough and a pull-based web stream.
 */
export async function jarUploadFetch(artifactPath: string, fileName: string): Promise<Fetch> {
  const { size } = await stat(artifactPath);
  let sent = false;
  return async (input, init) => {
    if (sent) throw new Error('a JAR upload body can be sent only once');
    sent = true;
    const request = new Request(input, init);
    const jar = createReadStream(artifactPath);
    const form = new FormData();
    form.append('jarfile', jar, {
      filename: jarFileName(fileName),
      contentType: 'application/java-archive',
      knownLength: size,
    });
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(form.getHeaders() as Record<string, string>)) headers.set(name, value);
    headers.set('content-length', String(form.getLengthSync()));
    const body = new PassThrough();
    let readError: Error | undefined;
    form.on('error', (error: Error) => {
      readError = error;
      body.destroy(error);
    });
    form.pipe(body);
    try {
      return await fetch(request.url, {
        method: request.method,
        headers,
        body: ReadableStream.from(body) as ReadableStream<Uint8Array>,
        duplex: 'half',
        redirect: 'error',
        signal: request.signal,
      });
    } catch (error) {
      // fetch reports a body that failed like a lost connection: say that it was the file.
      if (readError) throw new Error(`reading ${artifactPath} failed: ${readError.message}`, { cause: readError });
      throw error;
    } finally {
      // Flink answers once it has the whole file, or early to refuse it: either way the file is done with.
      jar.destroy();
    }
  };
}

/** Flink accepts only names ending in `.jar` (lower case) and keeps the name in a path: only safe characters. */
export function jarFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'job';
  return `${safe.replace(/\.jar$/i, '')}.jar`;
}
