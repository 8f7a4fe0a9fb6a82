import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request to the stand-in, with what a route needs to answer it. */
export interface StandInCall {
  method: string;
  url: string;
  body: string;
  request: IncomingMessage;
  /** Answers with `value` as JSON. */
  json(status: number, value: unknown): void;
  /** Answers with `text` as the JSON body (a recorded answer, say). */
  send(status: number, text: string): void;
}

export interface FlinkStandIn {
  url: string;
  close(): void;
}

/**
 * A loopback stand-in for the data processor and Flink's REST API as far as a launch goes: it serves a JAR at
 * `/jars/job.jar`, takes its upload as `jarId`, reports `flinkVersion` and the uploaded JAR, and answers anything
 * else with Flink's 404. `handle` is asked first and returns true for a request it answered.
 */
export async function startFlinkStandIn(options: {
  flinkVersion: string;
  jarId: string;
  handle?: (call: StandInCall) => boolean | void;
}): Promise<FlinkStandIn> {
  const server = createServer(async (request, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, text: string) => void response.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
    const call: StandInCall = {
      method: request.method ?? 'GET',
      url: request.url ?? '',
      body: Buffer.concat(chunks).toString(),
      request,
      json: (status, value) => send(status, JSON.stringify(value)),
      send,
    };
    if (options.handle?.(call)) return;
    const { method, url } = call;
    if (method === 'GET' && url === '/jars/job.jar') return void response.writeHead(200).end(Buffer.alloc(64, 1));
    if (method === 'POST' && url === '/jars/upload') {
      return call.json(200, { filename: `/tmp/flink-web/upload/${options.jarId}`, status: 'success' });
    }
    if (method === 'GET' && url === '/config') return call.json(200, { 'flink-version': options.flinkVersion });
    if (method === 'GET' && url === '/jars') return call.json(200, { files: [{ id: options.jarId }] });
    call.json(404, { errors: ['Not found.'] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
