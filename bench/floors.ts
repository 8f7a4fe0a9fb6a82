/**
 * What no webhook delivery can beat on this machine, measured beside it: a bare POST over loopback (a new
 * connection each, as the webhook sender makes) and one PostgreSQL round trip.
 */
import { request } from 'node:http';
import type { Sql } from 'postgres';

/** POSTs `body` to `url` `count` times, one after another; resolves with each call's milliseconds, ascending. */
export async function loopbackPosts(url: string, body: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const call = request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'webhook-id': `floor-${i}`,
            'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
            'webhook-signature': 'v1,floor',
          },
        },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      );
      call.on('error', reject);
      call.end(body);
    });
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** `select 1` `count` times, one after another; resolves with each round trip's milliseconds, ascending. */
export async function databaseRoundTrips(sql: Sql, count: number): Promise<number[]> {
  await sql`select 1`;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await sql`select 1`;
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}
