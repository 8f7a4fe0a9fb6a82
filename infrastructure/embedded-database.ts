import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL's memory defaults are sized for a server of its own; inside the service's process they were most of
 * its memory. `shared_buffers` (128 MB by default) is touched in full at start, and what the WebAssembly heap has
 * touched it never gives back: 16 MB keeps a few thousand jobs' rows and indexes cached, and the rest is read
 * through the operating system's cache. `maintenance_work_mem` (64 MB) bounds what an index build of a migration
 * may take, for the same reason.
 */
export const EMBEDDED_SETTINGS = { shared_buffers: '16MB', maintenance_work_mem: '16MB' } as const;

const startParams = [
  ...PGlite.defaultStartParams,
  ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

/**
 * Starts embedded PostgreSQL on `dataDir` (in memory when undefined). A folder without a database is initialized
 * first, in a process of its own (see `initializeFolder`).
 */
export async function startEmbeddedDatabase(dataDir: string | undefined): Promise<PGlite> {
  compileWithBaselineOnly();
  if (dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION'))) await initializeFolder(dataDir);
  return PGlite.create(dataDir, { startParams });
}

/**
 * PGlite compiles PostgreSQL (WebAssembly) with V8's baseline compiler and recompiles its busiest functions with
 * the optimizing one in the background; that compiler's working memory (60-80 MB at its peak) stays resident
 * after it is done, 40-55 MB of the service's idle memory. Measured on 10,000 jobs, the optimized code saves
 * 5-10 % of the CPU time of a read by id and 10-20 % of a list page: the baseline code is kept. Affects
 * WebAssembly only, and takes effect as it is set before PGlite compiles its module.
 */
function compileWithBaselineOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * PGlite's initdb runs a second PostgreSQL instance and copies its files over as an archive; the 400-500 MB it
 * takes stay in the process that ran it. So it runs in a child process that exits, into a folder beside
 * `dataDir` that takes its place by a rename once complete: a first start cut short leaves no half-made database.
 */
async function initializeFolder(dataDir: string): Promise<void> {
  const parent = dirname(dataDir);
  const prefix = `${basename(dataDir)}.init-`;
  // Left by first starts that were cut short (this process holds the folder's lock, so none is still under way).
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix)) await rm(join(parent, name), { recursive: true, force: true });
  }
  const staging = await mkdtemp(join(parent, prefix));
  try {
    await runInitdb(staging);
    await rm(dataDir, { recursive: true, force: true });
    await rename(staging, dataDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
/** Run with `node -e`: argv[1] is PGlite's entry point, argv[2] the folder. */
const INITDB_SCRIPT = 'require(process.argv[1]).PGlite.create(process.argv[2]).then((db) => db.close())';

function runInitdb(folder: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', INITDB_SCRIPT, pgliteEntry, folder], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      reject(new Error(`initializing the embedded database in ${folder} failed (${code ?? signal}): ${stderr.trim()}`));
    });
  });
}
