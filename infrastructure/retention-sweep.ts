import type { Logger } from 'pino';

/** How often stored records past their retention are swept, unless said otherwise. */
const HOURLY = 60 * 60 * 1000;

/**
 * Runs `sweep` at once and every `intervalMs` after (hourly by default), logging what it removed and, on failure,
 * trying again at the next turn; a turn that comes while the last sweep is still under way is left out. Returns
 * what stops it.
 */
export function startRetentionSweep(what: string, sweep: () => Promise<number>, logger: Logger, intervalMs = HOURLY): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    void sweep()
      .then(
        (removed) => removed > 0 && logger.info({ removed }, `${what} past their retention removed`),
        (error: unknown) => logger.warn({ err: error }, `sweep of ${what} failed; trying again later`),
      )
      .finally(() => (running = false));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
