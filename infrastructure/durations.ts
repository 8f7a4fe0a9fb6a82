const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads a duration such as `500ms`, `30s`, `2m` or `1.5h` as milliseconds; throws an Error naming it unless > 0. */
export function parseDuration(text: string): number {
  const [, amount, unit = ''] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim()) ?? [];
  if (amount === undefined) throw new Error(`'${text.trim()}' is not a duration such as 500ms, 30s, 2m or 1h`);
  const milliseconds = Math.round(Number(amount) * UNITS[unit]!);
  if (milliseconds <= 0) throw new Error(`'${text.trim()}' is not longer than 0`);
  return milliseconds;
}

/** Reads a comma-separated list of durations, in order, empty entries dropped; at least one. */
export function parseDurations(list: string): number[] {
  const entries = list.split(',').filter((entry) => entry.trim() !== '');
  if (entries.length === 0) throw new Error('no duration given');
  return entries.map(parseDuration);
}
