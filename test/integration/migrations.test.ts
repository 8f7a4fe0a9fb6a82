import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { SqlDatabaseStatus } from '../../adapters/output/repository/sql-database-status.js';
import { createJob } from '../../domain/entities/job.js';
import { migratePostgresDatabase, openDatabase } from '../../infrastructure/database.js';
import { shippedMigrationCount } from '../../infrastructure/project-files.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const skipReason = await postgresSkipReason();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(skipReason)('migrations on PostgreSQL', () => {
  it('are applied once when several instances start at the same moment', async () => {
    const scratch = await createScratchDatabase();
    cleanups.push(scratch.drop);
    await Promise.all(Array.from({ length: 4 }, () => migratePostgresDatabase(scratch.url)));

    const client = postgres(scratch.url, { max: 1 });
    cleanups.push(() => client.end({ timeout: 1 }));
    const [ledger] = await client`select count(*)::int as applied from drizzle.__drizzle_migrations`;
    expect(ledger?.applied).toBe(shippedMigrationCount());
    const [table] = await client`select to_regclass('public.jobs') as name`;
    expect(table?.name).toBe('jobs');
  });

  it('make the database status flip from not migrated to migrated', async () => {
    const scratch = await createScratchDatabase();
    cleanups.push(scratch.drop);
    const client = postgres(scratch.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => client.end({ timeout: 1 }));
    const status = new SqlDatabaseStatus(drizzle({ client }), shippedMigrationCount());

    expect(await status.check()).toEqual({ reachable: true, migrated: false });
    await migratePostgresDatabase(scratch.url);
    expect(await status.check()).toEqual({ reachable: true, migrated: true });
  });

  it('report an unreachable server as neither reachable nor migrated', async () => {
    const client = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
    cleanups.push(() => client.end({ timeout: 1 }));
    expect(await new SqlDatabaseStatus(drizzle({ client }), 1).check()).toEqual({ reachable: false, migrated: false });
  });
});

describe('embedded PGlite', () => {
  it('keeps its data in DATA_DIR across close and reopen, and migrates again idempotently', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fjs-pglite-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const job = createJob(aJobDefinition({ name: 'kept' }), '00000000-0000-4000-8000-000000000001', new Date());

    const first = await openDatabase({ kind: 'pglite', dataDir });
    await new DrizzleJobRepository(first.db).insert(job);
    await first.close();

    const second = await openDatabase({ kind: 'pglite', dataDir });
    cleanups.push(() => second.close());
    expect(await new DrizzleJobRepository(second.db).findById(job.id)).toEqual(job);
    expect(await new SqlDatabaseStatus(second.db, shippedMigrationCount()).check()).toEqual({
      reachable: true,
      migrated: true,
    });
    // A first start on disk runs initdb in a child process: well over the default on a busy machine.
  }, 90_000);
});
