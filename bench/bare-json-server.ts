/**
 * The floor for bench/api.ts: a bare Hono app on the same node server, answering GET /job with the JSON in
 * BENCH_JSON, in a process of its own. Prints `{"port":N}` once listening; stops on SIGTERM.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body: unknown = JSON.parse(process.env.BENCH_JSON ?? '{}');
const app = new Hono().get('/job', (c) => c.json(body as object));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
