import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalArtifact } from '../../../domain/ports/output/artifact-source.js';
import { evictLeastRecentlyUsed, removeStaleDownloads } from './jar-cache-upkeep.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A JAR handed out is marked as used (its mtime, which eviction orders by) at most this often: a mark is a file
 * system call on every start, and a minute's precision leaves the same JARs unused longest.
 */
const MARK_INTERVAL_MS = 60_000;

/**
 * A content-addressed directory of JARs: `<sha256>.jar`. Downloads land in a uniquely named temp file first and are
 * renamed into place, so readers never see half a JAR and concurrent downloads of the same content cannot clash.
 * It holds at most `maxBytes`: past it, the least recently handed out JARs go, never one handed out and not yet
 * released (a launch uploading or submitting it).
 */
export class JarCache {
  /** How many holders each handed-out JAR has, by checksum. */
  private readonly holds = new Map<string, number>();
  /** When this process last marked each JAR as used, by checksum. */
  private readonly markedAt = new Map<string, number>();
  /** The eviction under way, if any: a JAR is looked up only after it, so it is never handed out mid-removal. */
  private evicting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** The cached JAR with this content, if there is one, held until `release` and marked as just used. */
  async take(sha256: string): Promise<LocalArtifact | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    this.hold(sha256);
    await this.evicting;
    const found = await this.find(sha256);
    if (!found) {
      this.release(sha256);
      return undefined;
    }
    const now = Date.now();
    if (now - (this.markedAt.get(sha256) ?? Number.NEGATIVE_INFINITY) >= MARK_INTERVAL_MS) {
      this.markedAt.set(sha256, now);
      await utimes(found.path, new Date(now), new Date(now)).catch(() => undefined);
    }
    return found;
  }

  /** Lets go of a JAR `take` or `keep` handed out; one no longer held may be evicted. */
  release(sha256: string): void {
    const count = (this.holds.get(sha256) ?? 0) - 1;
    if (count > 0) this.holds.set(sha256, count);
    else this.holds.delete(sha256);
  }

  /** A fresh path in the cache directory to download into; `keep` or `discard` it afterwards. */
  async newTempPath(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `.download-${randomUUID()}.part`);
  }

  /**
   * Moves a finished download into place under its checksum (if that content is cached already, drops the copy),
   * holds it as `take` does, and makes room past the cap.
   */
  async keep(tempPath: string, sha256: string, sizeBytes: number): Promise<LocalArtifact> {
    const cached = await this.take(sha256);
    if (cached) {
      await this.discard(tempPath);
      return cached;
    }
    const path = this.pathFor(sha256);
    try {
      await rename(tempPath, path);
    } catch (error) {
      // Platforms that cannot rename over an existing file: a concurrent download got there first.
      await this.discard(tempPath);
      const raced = await this.take(sha256);
      if (!raced) throw error;
      return raced;
    }
    this.hold(sha256);
    await this.evict();
    return { path, sha256, sizeBytes };
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  /** At start: removes downloads a dead process left behind (idle longer than `idleMs`), then makes room. */
  async tidy(idleMs: number): Promise<void> {
    await removeStaleDownloads(this.dir, idleMs);
    await this.evict();
  }

  /** Removes the least recently used JARs not held until the cache is within its cap; one eviction at a time. */
  private evict(): Promise<unknown> {
    if (!Number.isFinite(this.maxBytes)) return Promise.resolve();
    const held = { has: (sha256: string) => this.holds.has(sha256) };
    this.evicting = this.evicting
      .then(async () => {
        for (const sha256 of await evictLeastRecentlyUsed(this.dir, this.maxBytes, held)) this.markedAt.delete(sha256);
      })
      .catch(() => undefined);
    return this.evicting;
  }

  private hold(sha256: string): void {
    this.holds.set(sha256, (this.holds.get(sha256) ?? 0) + 1);
  }

  private async find(sha256: string): Promise<LocalArtifact | undefined> {
    const path = this.pathFor(sha256);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { path, sha256, sizeBytes: stats.size } : undefined;
    } catch {
      return undefined;
    }
  }

  private pathFor(sha256: string): string {
    return join(this.dir, `${sha256}.jar`);
  }
}
