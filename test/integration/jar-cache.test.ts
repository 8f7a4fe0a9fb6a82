import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JarCache } from '../../adapters/output/artifacts/jar-cache.js';

const KIB = 1024;
const sha = (letter: string) => letter.repeat(64);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe('JarCache on disk', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fjs-jar-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Downloads `letter`'s JAR of `kib` KiB into the cache, as the download does, and lets go of it. */
  async function cached(cache: JarCache, letter: string, kib: number, usedMinutesAgo?: number): Promise<void> {
    const temp = await cache.newTempPath();
    await writeFile(temp, Buffer.alloc(kib * KIB, letter));
    const artifact = await cache.keep(temp, sha(letter), kib * KIB);
    cache.release(artifact.sha256);
    if (usedMinutesAgo !== undefined) await utimes(artifact.path, minutesAgo(usedMinutesAgo), minutesAgo(usedMinutesAgo));
  }

  const files = async () => (await readdir(dir)).sort();
  const jar = (letter: string) => `${sha(letter)}.jar`;

  it('removes the least recently used JARs once past its cap; handing a JAR out counts as a use', async () => {
    const cache = new JarCache(dir, 250 * KIB);
    await cached(cache, 'a', 100, 30);
    await cached(cache, 'b', 100, 20);
    expect(await files()).toEqual([jar('a'), jar('b')]);

    const used = await cache.take(sha('a'));
    expect(used?.sizeBytes).toBe(100 * KIB);
    cache.release(sha('a'));
    await cached(cache, 'c', 100);
    expect(await files(), 'b was used least recently').toEqual([jar('a'), jar('c')]);
  });

  it('marks a JAR as used at most once a minute: a start pays no file system write for it each time', async () => {
    const cache = new JarCache(dir, 250 * KIB);
    await cached(cache, 'a', 100, 30);
    const first = await cache.take(sha('a'));
    cache.release(sha('a'));
    expect((await stat(first!.path)).mtimeMs).toBeGreaterThan(minutesAgo(1).getTime());
    // Set back by hand: a second use within the minute leaves the mark as it is.
    await utimes(first!.path, minutesAgo(30), minutesAgo(30));
    await cache.take(sha('a'));
    cache.release(sha('a'));
    expect((await stat(first!.path)).mtimeMs).toBeLessThan(minutesAgo(29).getTime());
    await cached(cache, 'b', 100, 20);
    await cached(cache, 'c', 100);
    expect(await files(), 'a counts as used 30 minutes ago, the longest').toEqual([jar('b'), jar('c')]);
  });

  it('never removes a JAR handed out and not released, and removes it after', async () => {
    const cache = new JarCache(dir, 150 * KIB);
    await cached(cache, 'a', 100, 30);
    const held = await cache.take(sha('a'));
    expect(held).toBeDefined();
    await utimes(held!.path, minutesAgo(30), minutesAgo(30));

    await cached(cache, 'b', 100);
    expect(await files(), 'over the cap, but a is in use and b is the newest').toEqual([jar('a'), jar('b')]);
    cache.release(sha('a'));
    await cached(cache, 'c', 10);
    expect(await files()).toEqual([jar('b'), jar('c')]);
  });

  it('keeps a JAR held twice until both let go', async () => {
    const cache = new JarCache(dir, 50 * KIB);
    await cached(cache, 'a', 40, 30);
    await cache.take(sha('a'));
    await cache.take(sha('a'));
    cache.release(sha('a'));
    await cached(cache, 'b', 40);
    expect(await files()).toContain(jar('a'));
    cache.release(sha('a'));
    await cached(cache, 'c', 5);
    expect(await files()).not.toContain(jar('a'));
  });

  it('at start removes the partial downloads nothing wrote to lately, and trims the cache to its cap', async () => {
    const unbounded = new JarCache(dir);
    await cached(unbounded, 'a', 100, 30);
    await cached(unbounded, 'b', 100, 10);
    const stale = join(dir, '.download-left-by-a-crash.part');
    const live = join(dir, '.download-under-way.part');
    await writeFile(stale, 'half a jar');
    await utimes(stale, minutesAgo(5), minutesAgo(5));
    await writeFile(live, 'a third of a jar');

    await new JarCache(dir, 150 * KIB).tidy(30_000);
    expect(await files()).toEqual(['.download-under-way.part', jar('b')]);
  });

  it('hands out nothing for content it does not have, and holds nothing then', async () => {
    const cache = new JarCache(dir, 10 * KIB);
    expect(await cache.take(sha('f'))).toBeUndefined();
    await cached(cache, 'e', 20);
    expect(await files(), 'a JAR over the cap on its own stays while it is the newest').toEqual([jar('e')]);
    await cached(cache, 'd', 5);
    expect(await files()).toEqual([jar('d')]);
  });
});
