import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { DrizzleJobVersionRepository } from '../../adapters/output/repository/drizzle-job-version-repository.js';
import { rowsOf } from '../../adapters/output/repository/database.js';
import * as schema from '../../adapters/output/repository/schema.js';
import { startEmbeddedDatabase } from '../../infrastructure/embedded-database.js';
import { migrationsFolder } from '../../infrastructure/project-files.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** The shipped migrations up to the one before job versions, as a database stored before them was migrated. */
async function migrationsBeforeVersions(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fjs-migrations-'));
  folders.push(folder);
  await cp(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const first = journal.entries.findIndex((entry) => entry.tag.endsWith('_job_versions'));
  expect(first).toBeGreaterThan(0);
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, first) }));
  return folder;
}

const LIVE = '00000000-0000-4000-8000-00000000000a';
const DELETED = '00000000-0000-4000-8000-00000000000b';

describe('the job versions migration', () => {
  it("gives each live job its current definition as its current version, naming who stored it where the audit trail knows; runs get no version", async () => {
    const client = await startEmbeddedDatabase(undefined);
    const db = drizzle({ client, schema });
    try {
      await migrate(db, { migrationsFolder: await migrationsBeforeVersions() });
      await db.execute(sql`
        insert into jobs (id, name, jar_url, entry_class, config, args, parallelism, flink_configuration, labels, retry_policy, restore, savepoint_policy, version, created_at, updated_at, deleted_at)
        values
          (${LIVE}, 'kept', '/jars/a.jar', 'com.example.A', '{"mode":"bounded"}', '["--x"]', 2, '{}', '{"team":"data"}', null,
           '{"strategy":"latest-state","allowNonRestoredState":true,"claimMode":"CLAIM"}',
           '{"intervalSeconds":3600,"cron":null,"maxCount":5,"maxAgeSeconds":null}', 3, '2026-11-01T00:00:00Z', '2026-11-20T00:00:00Z', null),
          (${DELETED}, 'gone', '/jars/b.jar', 'com.example.B', '{}', '[]', null, '{}', '{}', null, null, null, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')`);
      await db.execute(sql`
        insert into audit_events (id, at, actor, role, action, resource_type, resource_id, outcome, request_id, version_before, version_after)
        values
          (gen_random_uuid(), '2026-11-20T00:00:00Z', 'alice', 'admin', 'job.replace', 'job', ${LIVE}, 200, 'r1', 2, 3),
          (gen_random_uuid(), '2026-11-21T00:00:00Z', 'bob', 'operator', 'run.start', 'job', ${LIVE}, 202, 'r2', 3, 3)`);
      await db.execute(sql`
        insert into job_executions (id, job_id, trigger, attempt, status, flink_job_id, history, created_at)
        values (gen_random_uuid(), ${LIVE}, 'manual', 1, 'SUCCEEDED', 'f', '[]', '2026-11-21T00:00:00Z')`);

      await migrate(db, { migrationsFolder });

      const versions = new DrizzleJobVersionRepository(db);
      expect(await versions.list(LIVE, { limit: 10 })).toEqual([
        {
          jobId: LIVE,
          version: 3,
          createdAt: new Date('2026-11-20T00:00:00Z'),
          changedBy: 'alice',
          definition: {
            name: 'kept',
            description: null,
            jarURL: '/jars/a.jar',
            entryClass: 'com.example.A',
            config: { mode: 'bounded' },
            args: ['--x'],
            parallelism: 2,
            flinkConfiguration: {},
            jarSha256: null,
            timeoutSeconds: null,
            labels: { team: 'data' },
            retryPolicy: { maxAttempts: 1, backoffSeconds: 30, backoffMultiplier: 2, maxBackoffSeconds: 3600 },
            restore: 'latest-state',
            allowNonRestoredState: true,
            claimMode: 'CLAIM',
            savepointPolicy: { intervalSeconds: 3600, cron: null, maxCount: 5, maxAgeSeconds: null },
          },
        },
      ]);
      expect(await versions.list(DELETED, { limit: 10 })).toEqual([]);
      const runs = rowsOf<{ job_version: number | null }>(await db.execute(sql`select job_version from job_executions`));
      expect(runs).toEqual([{ job_version: null }]);
    } finally {
      await client.close();
    }
  }, 60_000);
});
