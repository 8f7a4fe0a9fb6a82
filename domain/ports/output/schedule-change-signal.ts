/**
 * Tells every instance of the service that a schedule changed, so that their schedulers look at it now rather
 * than at their next poll. Best effort: polling stays the safety net.
 */
export interface ScheduleChangeSignal {
  announce(jobId: string): Promise<void>;
}

/** The other end of the signal: being told of the changes any instance announces, this one included. */
export interface ScheduleChangeFeed {
  /** Calls `onChange` with the job of every change announced from now on; resolves, listening, with a way to stop. */
  subscribe(onChange: (jobId: string) => void): Promise<() => Promise<void>>;
}
