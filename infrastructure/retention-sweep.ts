import type { Logger } from 'pino';

/** How often stored records past their retention are swept. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs `sweep` at once and hourly after, logging what it removed and, on failure, trying again at the next hour.
 * Sweeps are idempotent deletes in small batches, so every replica may run them. Returns what stops it.
 */
export function startRetentionSweep(what: string, sweep: () => Promise<number>, logger: Logger): () => void {
  const run = () =>
    void sweep().then(
      (removed) => removed > 0 && logger.info({ removed }, `${what} past their retention removed`),
      (error: unknown) => logger.warn({ err: error }, `sweep of ${what} failed; trying again later`),
    );
  run();
  const timer = setInterval(run, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
