export interface DatabaseStatus {
  /** Whether the database answers a query right now, and whether every migration this build ships is applied. */
  check(): Promise<{ reachable: boolean; migrated: boolean }>;
}
