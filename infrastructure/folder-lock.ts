import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from './config.js';

export interface FolderLock {
  /** Removes the lock file, if it is still this process's. */
  release(): Promise<void>;
}

/** Lock files this process holds: a second open of the same folder in one process is refused as well. */
const held = new Set<string>();

/**
 * Makes this process the only user of `folder` (embedded PGlite must have one): `<folder>.lock` holds the owner's
 * pid and is created atomically (`wx`), so of two processes starting at once exactly one gets it. A lock whose
 * process is gone (killed with SIGKILL, say) is stale and taken over. Throws ConfigError naming the folder and
 * the process that has it.
 */
export async function lockFolder(folder: string): Promise<FolderLock> {
  const path = `${folder}.lock`;
  if (held.has(path)) throw inUse(folder, process.pid, path);
  held.add(path);
  try {
    await takeLockFile(folder, path);
  } catch (error) {
    held.delete(path);
    throw error;
  }
  return { release: () => releaseLock(path) };
}

async function takeLockFile(folder: string, path: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createLockFile(path)) return;
    const owner = await ownerOf(path);
    if (owner === undefined) continue; // removed in between: try again
    // Our own pid in a file we do not hold was written by an earlier process that had it (pid 1 in a container).
    if (owner !== process.pid && isAlive(owner)) throw inUse(folder, owner, path);
    // Stale. Removed only if it still names that process: another starter may have taken it over already.
    if ((await ownerOf(path)) === owner) await unlink(path).catch(() => undefined);
  }
  throw new ConfigError(`The PGlite folder ${folder}: could not take its lock file ${path}; other processes keep changing it`);
}

function inUse(folder: string, owner: number, path: string): ConfigError {
  return new ConfigError(
    `The PGlite folder ${folder} is in use by process ${owner} (lock file ${path}): stop that process, or set ` +
      'another DATA_DIR (several replicas need PostgreSQL: DATABASE_URL)',
  );
}

async function createLockFile(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await file.writeFile(`${process.pid}\n`);
  } finally {
    await file.close();
  }
  return true;
}

/**
 * The pid in the lock file; undefined when there is no file. A file without a pid is one being written this
 * instant, or left by a process killed in that instant: it is given a moment, then counted as nobody's (pid 0).
 */
async function ownerOf(path: string): Promise<number | undefined> {
  for (let look = 0; look < 10; look++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const pid = Number(text.trim());
    if (Number.isSafeInteger(pid) && pid > 0) return pid;
    await sleep(20);
  }
  return 0;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). A pid of 0 is nobody. */
function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseLock(path: string): Promise<void> {
  if (!held.delete(path)) return;
  if ((await ownerOf(path)) === process.pid) await unlink(path).catch(() => undefined);
}
