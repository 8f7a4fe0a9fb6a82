/** What the benchmarks print: progress notes on stderr, and their results as one table on stdout. */
import { cpus } from 'node:os';

export interface Row {
  scenario: string;
  metric: string;
  measured: string;
  goal: string;
  met?: boolean;
}

export const MIB = 1024 * 1024;

/** The value at quantile `q` (0-1) of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

/** A progress line on stderr, stamped with the time of day, so stdout keeps only the table. */
export const note = (message: string) => console.error(`[${new Date().toISOString().slice(11, 23)}] ${message}`);

/** The machine the numbers were taken on, for the line above the table. */
export function machine(load: string): string {
  return `Node ${process.version}, ${cpus().length} CPU cores (1-minute load average ${load} at the start; other work may share them)`;
}

/** Prints `title` and the rows as a Markdown table. */
export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}\n`);
  const widths = [0, 0, 0, 0, 0];
  const cells = rows.map((row) => [row.scenario, row.metric, row.measured, row.goal, row.met === undefined ? '' : row.met ? 'yes' : 'NO']);
  const header = ['scenario', 'metric', 'measured', 'goal', 'met?'];
  for (const line of [header, ...cells]) line.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
  const format = (line: string[]) => `| ${line.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of cells) console.log(format(line));
}
