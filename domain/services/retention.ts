/** How many rows one sweep statement removes: small batches keep locks and transactions short. */
const SWEEP_BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes, batch after batch, what is older than `retentionDays` before `now`; resolves with how many. */
export async function sweepOlderThan(
  removeOlderThan: (before: Date, limit: number) => Promise<number>,
  now: Date,
  retentionDays: number,
): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  let removed = 0;
  for (;;) {
    const batch = await removeOlderThan(before, SWEEP_BATCH);
    removed += batch;
    if (batch < SWEEP_BATCH) return removed;
  }
}
