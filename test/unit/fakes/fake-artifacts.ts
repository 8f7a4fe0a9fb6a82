import { ArtifactError } from '../../../domain/errors.js';
import type { ArtifactSource, LocalArtifact } from '../../../domain/ports/output/artifact-source.js';
import type { JarUploadRegistry } from '../../../domain/ports/output/jar-upload-registry.js';

export class FakeArtifactSource implements ArtifactSource {
  readonly fetched: string[] = [];
  /** JARs handed out and not released yet. */
  held = 0;
  /** sha256 served for each URL; a different one per URL makes different content. */
  sha256 = 'a'.repeat(64);
  failWith: ArtifactError | undefined;

  refusalFor(): string | undefined {
    return undefined;
  }

  /** Content already fetched once counts as cached when the job names its checksum. */
  async cached(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact | undefined> {
    if (!expectedSha256 || expectedSha256 !== this.sha256 || !this.fetched.includes(jarURL)) return undefined;
    this.held++;
    return { path: `/cache/${this.sha256}.jar`, sha256: this.sha256, sizeBytes: 1234 };
  }

  async fetch(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact> {
    this.fetched.push(jarURL);
    if (this.failWith) throw this.failWith;
    if (expectedSha256 && expectedSha256 !== this.sha256) {
      throw new ArtifactError('JAR_CHECKSUM_MISMATCH', `expected ${expectedSha256}, got ${this.sha256}`);
    }
    this.held++;
    return { path: `/cache/${this.sha256}.jar`, sha256: this.sha256, sizeBytes: 1234 };
  }

  release(): void {
    this.held--;
  }
}

export class InMemoryJarUploadRegistry implements JarUploadRegistry {
  readonly uploads: { sha256: string; clusterAddress: string; jarId: string; jobId: string }[] = [];

  async find(sha256: string, clusterAddress: string): Promise<string | undefined> {
    return this.uploads.findLast((u) => u.sha256 === sha256 && u.clusterAddress === clusterAddress)?.jarId;
  }

  async record(upload: { sha256: string; clusterAddress: string; jarId: string; jobId: string }): Promise<string[]> {
    const superseded = this.uploads.filter(
      (u) => u.jobId === upload.jobId && u.clusterAddress === upload.clusterAddress && u.sha256 !== upload.sha256,
    );
    this.uploads.splice(0, this.uploads.length, ...this.uploads.filter((u) => !superseded.includes(u)), upload);
    return superseded.map((u) => u.jarId);
  }

  async forget(jarId: string): Promise<void> {
    this.uploads.splice(0, this.uploads.length, ...this.uploads.filter((u) => u.jarId !== jarId));
  }
}
