import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infrastructure/config.js';
import type { DatabaseLocation } from '../../infrastructure/database.js';
import { createLogger } from '../../infrastructure/logging.js';
import { startService } from '../../infrastructure/service.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';
import { SseClient } from '../support/sse-client.js';

const SHUTDOWN_TIMEOUT_SECONDS = 20;
const postgresSkip = await postgresSkipReason();

const databases: { name: string; skipReason: string | undefined; open(): Promise<{ location: DatabaseLocation; drop(): Promise<void> }> }[] = [
  { name: 'pglite', skipReason: undefined, open: async () => ({ location: { kind: 'pglite', dataDir: null }, drop: async () => {} }) },
  {
    name: 'postgres',
    skipReason: postgresSkip,
    open: async () => {
      const scratch = await createScratchDatabase();
      return { location: { kind: 'postgres', url: scratch.url }, drop: scratch.drop };
    },
  },
];

describe.each(databases)('shutting down with open event streams on $name', (database) => {
  it.skipIf(database.skipReason)('ends the streams at once instead of waiting for the shutdown timeout', async () => {
    const { location, drop } = await database.open();
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    const config = loadConfig({
      PORT: '0',
      FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
      SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
    });
    const service = await startService(config, createLogger('info', silent), { database: location });
    try {
      const baseUrl = `http://127.0.0.1:${service.port}`;
      const streams = [await SseClient.open(`${baseUrl}/api/v1/events/stream`), await SseClient.open(`${baseUrl}/api/v1/events/stream?type=job.created`)];
      expect(streams.map((stream) => stream.response.status)).toEqual([200, 200]);
      const started = Date.now();
      const stopped = service.stop();
      // Each stream ends as a stream does, not as a reset connection.
      for (const stream of streams) expect(await stream.next(5_000)).toBeNull();
      await Promise.race([stopped, new Promise((_, reject) => setTimeout(() => reject(new Error('shutdown took over 5 s')), 5_000))]);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await service.stop();
      await drop();
    }
  });
});
