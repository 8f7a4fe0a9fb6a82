/** The files of savepoints, where this service can reach them. */
export interface SavepointFiles {
  /**
   * Removes the savepoint's folder when the service can reach it (a `file:` path); resolves with whether it did,
   * and otherwise why the files remain. A folder already gone counts as removed.
   */
  remove(path: string): Promise<{ removed: true } | { removed: false; reason: string }>;
}
