import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const CACHED_JAR = /^[0-9a-f]{64}\.jar$/;
const DOWNLOAD = /^\.download-.*\.part$/;

/**
 * Removes cached JARs, least recently used first (by modification time: a JAR is touched each time it is handed
 * out), until the cache holds at most `maxBytes`; JARs whose checksum is in `inUse` are never removed. Resolves with
 * the checksums removed. Downloads under way are `.part` files and not counted.
 */
export async function evictLeastRecentlyUsed(dir: string, maxBytes: number, inUse: { has(sha256: string): boolean }): Promise<string[]> {
  const jars = (await listed(dir, CACHED_JAR)).sort((a, b) => a.usedAt - b.usedAt);
  let total = jars.reduce((sum, jar) => sum + jar.sizeBytes, 0);
  const removed: string[] = [];
  for (const jar of jars) {
    if (total <= maxBytes) break;
    const sha256 = jar.name.slice(0, 64);
    if (inUse.has(sha256)) continue;
    await rm(join(dir, jar.name), { force: true });
    total -= jar.sizeBytes;
    removed.push(sha256);
  }
  return removed;
}

/**
 * Removes the `.part` files of downloads nothing has written to for `idleMs`: a live download writes more often or is
 * given up (the idle timeout), so these were left by a process that died mid-download. Resolves with how many.
 */
export async function removeStaleDownloads(dir: string, idleMs: number, now = Date.now()): Promise<number> {
  const stale = (await listed(dir, DOWNLOAD)).filter((file) => now - file.usedAt > idleMs);
  await Promise.all(stale.map((file) => rm(join(dir, file.name), { force: true })));
  return stale.length;
}

async function listed(dir: string, pattern: RegExp): Promise<{ name: string; sizeBytes: number; usedAt: number }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => pattern.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = await Promise.all(
    names.map(async (name) => {
      // A file another process removed in between is simply not there.
      const stats = await stat(join(dir, name)).catch(() => undefined);
      return stats?.isFile() ? { name, sizeBytes: stats.size, usedAt: stats.mtimeMs } : undefined;
    }),
  );
  return files.filter((file) => file !== undefined);
}
