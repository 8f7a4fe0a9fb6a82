// A run's pending stop, beside the execution it belongs to (execution.ts re-exports it).

export type StopMode = 'savepoint' | 'cancel';

/** A stop asked for and not yet finished: by a user, or by the job's own timeout. */
export interface StopRequest {
  mode: StopMode;
  drain: boolean;
  /**
   * `replaced`: a tick of a cancel_other schedule wants the job's slot; `job-deleted`: its job was deleted;
   * `upgrade`: an upgrade to a new version stops it (a savepoint that fails abandons the stop, never cancels).
   */
  reason: 'user' | 'timeout' | 'replaced' | 'job-deleted' | 'upgrade';
  /** The upgrade that asked for the stop. */
  upgradeId?: string;
  requestedAt: Date;
  /** Flink's trigger id of the stop-with-savepoint operation, once asked. */
  savepointTriggerId?: string;
  /** Set when the savepoint gave up or timed out and the job is being cancelled instead. */
  cancelRequestedAt?: Date;
  /** The API key's name, for a stop a user asked for. */
  requestedBy?: string;
}
