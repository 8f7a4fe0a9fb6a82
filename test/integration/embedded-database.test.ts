import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SETTINGS, startEmbeddedDatabase } from '../../infrastructure/embedded-database.js';

const root = await mkdtemp(join(tmpdir(), 'fjs-embedded-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const settingsOf = async (db: Awaited<ReturnType<typeof startEmbeddedDatabase>>) => {
  const { rows } = await db.query<{ name: string; value: string }>(
    `select name, current_setting(name) as value from pg_settings where name = any($1) order by name`,
    [Object.keys(EMBEDDED_SETTINGS)],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
};

describe('embedded PostgreSQL (PGlite)', () => {
  it('creates the database in an empty folder, with the smaller memory settings, and keeps it for the next start', { timeout: 90_000 }, async () => {
    const parent = await mkdtemp(join(root, 'fresh-'));
    const dataDir = join(parent, 'pglite');
    await mkdir(dataDir);

    const first = await startEmbeddedDatabase(dataDir);
    expect(await settingsOf(first)).toEqual(EMBEDDED_SETTINGS);
    await first.exec(`create table kept (id int primary key); insert into kept values (42)`);
    await first.close();
    // Initialized beside the folder and renamed into place: nothing else is left in the parent.
    expect(await readdir(parent)).toEqual(['pglite']);

    const second = await startEmbeddedDatabase(dataDir);
    try {
      expect((await second.query<{ id: number }>('select id from kept')).rows).toEqual([{ id: 42 }]);
      expect(await settingsOf(second)).toEqual(EMBEDDED_SETTINGS);
    } finally {
      await second.close();
    }
  });

  it('removes what a first start cut short left, and starts over', { timeout: 90_000 }, async () => {
    const parent = await mkdtemp(join(root, 'cut-short-'));
    const dataDir = join(parent, 'pglite');
    // A killed first start: its half-made staging folder, and the data folder without a database in it.
    await mkdir(join(parent, 'pglite.init-abc123', 'base'), { recursive: true });
    await writeFile(join(parent, 'pglite.init-abc123', 'base', 'half'), 'x');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'postgresql.conf'), '# half written\n');

    const db = await startEmbeddedDatabase(dataDir);
    try {
      expect((await db.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect(await readdir(parent)).toEqual(['pglite']);
    } finally {
      await db.close();
    }
  });

  it('reports a folder it cannot initialize, naming it, and leaves no staging folder', async () => {
    const parent = await mkdtemp(join(root, 'unwritable-'));
    // A file where the database folder's parent should be a folder: initdb cannot write into it.
    await writeFile(join(parent, 'not-a-folder'), '');
    await expect(startEmbeddedDatabase(join(parent, 'not-a-folder', 'pglite'))).rejects.toThrow(/not-a-folder/);
    expect(await readdir(parent)).toEqual(['not-a-folder']);
  });
});
