import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../infrastructure/config.js';
import { lockFolder } from '../../infrastructure/folder-lock.js';

const lockModule = fileURLToPath(new URL('../../infrastructure/folder-lock.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'fjs-lock-'));
afterAll(() => rm(root, { recursive: true, force: true }));

let counter = 0;
const aFolder = () => join(root, `pglite-${++counter}`);
const exists = (path: string) => stat(path).then(() => true, () => false);

/** The pid of a process that has exited: what a lock left by a killed process holds. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('lockFolder', () => {
  it('writes this process’s pid to <folder>.lock, refuses a second lock naming folder and pid, and removes it on release', async () => {
    const folder = aFolder();
    const lock = await lockFolder(folder);
    expect(await readFile(`${folder}.lock`, 'utf8')).toBe(`${process.pid}\n`);

    const refusal = await lockFolder(folder).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toBe(
      `The PGlite folder ${folder} is in use by process ${process.pid} (lock file ${folder}.lock): stop that process, ` +
        'or set another DATA_DIR (several replicas need PostgreSQL: DATABASE_URL)',
    );

    await lock.release();
    expect(await exists(`${folder}.lock`)).toBe(false);
    await (await lockFolder(folder)).release();
  });

  it('refuses a folder whose lock names another live process', async () => {
    const folder = aFolder();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await writeFile(`${folder}.lock`, `${other.pid}\n`);
      await expect(lockFolder(folder)).rejects.toThrow(`is in use by process ${other.pid} `);
      expect(await readFile(`${folder}.lock`, 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it.each([
    ['a process that is gone', async () => `${await deadPid()}\n`],
    ['this pid, not held: an earlier process that had it (pid 1 in a restarted container)', async () => `${process.pid}\n`],
    ['no pid: a process killed while it created the file', async () => ''],
  ])('takes over a stale lock of %s', async (_case, content) => {
    const folder = aFolder();
    await writeFile(`${folder}.lock`, await content());

    const lock = await lockFolder(folder);

    expect(await readFile(`${folder}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('lets exactly one of several concurrent attempts in one process have the folder', async () => {
    const folder = aFolder();
    await writeFile(`${folder}.lock`, `${await deadPid()}\n`);

    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => lockFolder(folder)));

    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'fulfilled') await attempt.value.release();
  });

  it('lets exactly one of several processes starting together take over a stale lock', async () => {
    const folder = aFolder();
    await writeFile(`${folder}.lock`, `${await deadPid()}\n`);
    // The one that gets it holds it (stays alive) until the test has every answer.
    const script =
      `const { lockFolder } = await import(${JSON.stringify(lockModule)});` +
      `lockFolder(${JSON.stringify(folder)}).then(() => { console.log('locked'); setTimeout(() => {}, 60_000); },` +
      ` (error) => console.log(error.message));`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    const outputs = await Promise.all(
      children.map((child) => new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())))),
    ).finally(() => children.forEach((child) => child.kill('SIGKILL')));

    expect(outputs.filter((output) => output === 'locked')).toHaveLength(1);
    expect(outputs.filter((output) => output.includes(`The PGlite folder ${folder} is in use by process`))).toHaveLength(3);
  });

  it('does not remove a lock that another process took over after this one', async () => {
    const folder = aFolder();
    const lock = await lockFolder(folder);
    await writeFile(`${folder}.lock`, '999999999\n');
    await lock.release();
    expect(await readFile(`${folder}.lock`, 'utf8')).toBe('999999999\n');
  });
});
