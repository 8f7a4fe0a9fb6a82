import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { AppDatabase } from '../adapters/output/repository/database.js';
import * as schema from '../adapters/output/repository/schema.js';
import type { Notifications } from '../adapters/output/repository/sql-schedule-signal.js';
import type { AppConfig } from './config.js';
import { startEmbeddedDatabase } from './embedded-database.js';
import { lockFolder, type FolderLock } from './folder-lock.js';
import { postgresClient, type DatabaseTimeouts } from './postgres-client.js';
import { preparingClient } from './prepared-statements.js';
import { migrationsFolder } from './project-files.js';

export type DatabaseLocation = AppConfig['database'] | { kind: 'pglite'; dataDir: null };

export interface OpenedDatabase {
  db: AppDatabase;
  /**
   * Connections of the scheduler's claims alone (the same database as `db`): a herd's launches and follow-ups keep
   * `db`'s pool busy, and a claim queued behind them fires its ticks late. On PGlite, `db` itself.
   */
  claims: AppDatabase;
  kind: 'postgres' | 'pglite';
  /** LISTEN on one session (postgres.js keeps its listening connection up), for the schedule change signal. */
  listen: Notifications;
  close(): Promise<void>;
}

/** One per claim the scheduler runs at once (see infrastructure/scheduler-loop.ts). */
const CLAIM_CONNECTIONS = 2;

/** Any fixed number works, as long as every instance of the service uses the same one. */
const MIGRATION_LOCK_KEY = 727_401_913;

/**
 * Opens the service's database and brings its schema up to date. PostgreSQL when a URL is configured (with
 * `timeouts`, if given); otherwise embedded PGlite stored under `dataDir/pglite` (or in memory when `dataDir` is null).
 */
export async function openDatabase(location: DatabaseLocation, timeouts?: DatabaseTimeouts): Promise<OpenedDatabase> {
  if (location.kind === 'postgres') {
    await migratePostgresDatabase(location.url, timeouts?.connectMs);
    const client = postgresClient(location.url, 10, timeouts);
    const claimsClient = postgresClient(location.url, CLAIM_CONNECTIONS, timeouts);
    return {
      db: drizzlePostgres({ client: preparingClient(client), schema }),
      claims: drizzlePostgres({ client: preparingClient(claimsClient), schema }),
      kind: 'postgres',
      listen: async (channel, onNotify) => {
        const { unlisten } = await client.listen(channel, onNotify);
        return unlisten;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), claimsClient.end({ timeout: 5 })]);
      },
    };
  }
  let dataDir: string | undefined;
  let lock: FolderLock | undefined;
  if (location.dataDir !== null) {
    dataDir = join(resolve(location.dataDir), 'pglite');
    await mkdir(dataDir, { recursive: true });
    // Two processes on one folder would each acknowledge writes the other loses.
    lock = await lockFolder(dataDir);
  }
  const client = await startEmbeddedDatabase(dataDir).catch(async (error: unknown) => {
    await lock?.release();
    throw error;
  });
  const db = drizzlePglite({ client, schema });
  // One process owns a PGlite folder (the lock), so there is nobody to race with.
  await migratePglite(db, { migrationsFolder }).catch(async (error: unknown) => {
    await client.close();
    await lock?.release();
    throw error;
  });
  return {
    db,
    claims: db,
    kind: 'pglite',
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, onNotify);
      return () => unlisten();
    },
    close: async () => {
      await client.close();
      await lock?.release();
    },
  };
}

/**
 * Applies pending migrations. Several instances starting at once serialize on an advisory lock held by one
 * dedicated connection; the ones that wait find nothing left to do.
 */
export async function migratePostgresDatabase(url: string, connectTimeoutMs?: number): Promise<void> {
  // No statement timeout: waiting for another instance's migrations is expected.
  const client = postgresClient(url, 1, { connectMs: connectTimeoutMs });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
