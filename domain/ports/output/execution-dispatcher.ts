/**
 * Hands work on a run to the background worker, so requests return at once: `launch` walks a new run through
 * download, upload and submit; `followUp` looks at a run Flink has (state, pending stop) right away rather than at
 * the next poll.
 */
export interface ExecutionDispatcher {
  launch(executionId: string): void;
  followUp(executionId: string): void;
}
