/**
 * Tells every instance of the service that a schedule changed, so that their schedulers look at it now rather
 * than at their next poll. Best effort: polling stays the safety net.
 */
export interface ScheduleChangeSignal {
  announce(jobId: string): Promise<void>;
}
