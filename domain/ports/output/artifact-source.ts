/** A JAR on local disk, ready to upload. */
export interface LocalArtifact {
  path: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  sizeBytes: number;
}

export interface ArtifactSource {
  /**
   * Why `jarURL` may not be used (host not allowed, bad scheme, credentials in it), or undefined if it may; the
   * reason never repeats credentials. Checked when a job is created or replaced, before anything is stored.
   */
  refusalFor(jarURL: string): string | undefined;
  /**
   * The JAR from the local cache, without touching the network, when the job names its checksum and that content
   * is cached already; undefined otherwise. Throws ArtifactError JAR_URL_NOT_ALLOWED like `fetch`.
   */
  cached(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact | undefined>;
  /**
   * Brings the JAR at `jarURL` into the local cache (streaming; never whole in memory) and returns it.
   * Throws ArtifactError with JAR_URL_NOT_ALLOWED, JAR_DOWNLOAD_FAILED, JAR_TOO_LARGE or JAR_CHECKSUM_MISMATCH.
   */
  fetch(jarURL: string, expectedSha256: string | null): Promise<LocalArtifact>;
  /**
   * Says that a JAR `cached` or `fetch` handed out is no longer used. Until then the cache never removes it to
   * stay within its size cap; call it once for each JAR handed out.
   */
  release(artifact: LocalArtifact): void;
}
