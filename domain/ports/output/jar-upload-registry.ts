/** Which JAR content has been uploaded to which cluster, under which Flink jar id. */
export interface JarUploadRegistry {
  find(sha256: string, clusterAddress: string): Promise<string | undefined>;
  /** Records the upload and returns the jar ids this one supersedes on that cluster (for the same job). */
  record(upload: { sha256: string; clusterAddress: string; jarId: string; jobId: string; at: Date }): Promise<string[]>;
  forget(jarId: string, clusterAddress: string): Promise<void>;
}
