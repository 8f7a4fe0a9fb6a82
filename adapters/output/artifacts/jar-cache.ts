import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalArtifact } from '../../../domain/ports/output/artifact-source.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A content-addressed directory of JARs: `<sha256>.jar`. Downloads land in a uniquely named temp file first and are
 * renamed into place, so readers never see half a JAR and concurrent downloads of the same content cannot clash.
 */
export class JarCache {
  constructor(private readonly dir: string) {}

  /** The cached JAR with this content, if there is one. */
  async find(sha256: string): Promise<LocalArtifact | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    const path = this.pathFor(sha256);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { path, sha256, sizeBytes: stats.size } : undefined;
    } catch {
      return undefined;
    }
  }

  /** A fresh path in the cache directory to download into; `keep` or `discard` it afterwards. */
  async newTempPath(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `.download-${randomUUID()}.part`);
  }

  /** Moves a finished download into place under its checksum; if that content is cached already, drops the copy. */
  async keep(tempPath: string, sha256: string, sizeBytes: number): Promise<LocalArtifact> {
    const cached = await this.find(sha256);
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
      const raced = await this.find(sha256);
      if (!raced) throw error;
      return raced;
    }
    return { path, sha256, sizeBytes };
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  private pathFor(sha256: string): string {
    return join(this.dir, `${sha256}.jar`);
  }
}
