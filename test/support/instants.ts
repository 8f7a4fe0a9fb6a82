/** Midnight UTC `daysAgo` days before today, as RFC 3339: the ticks of a daily schedule in the past. */
export function midnightDaysAgo(daysAgo: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - daysAgo)).toISOString();
}
