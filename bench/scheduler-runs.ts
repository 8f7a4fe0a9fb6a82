/** The runs of bench/scheduler.ts's ticks, read back from job_executions, and the rows it reports of them. */
import type { Sql } from 'postgres';
import { ms, percentile, type Row } from './report.js';

export interface TickRun {
  job_id: string;
  tick: Date;
  status: string;
  /** When the claim that stored the run began (its created_at), in epoch ms. */
  claimed_ms: number;
  late_ms: number;
  written_ms: number;
}

/** The runs of these jobs' ticks in [from, to); `bench_written_at` is the column the benchmark adds. */
export function runsOfTicks(sql: Sql, jobIds: string[], from: number, to: number): Promise<TickRun[]> {
  return sql<TickRun[]>`
    select job_id, scheduled_for as tick, status,
           extract(epoch from created_at)::float8 * 1000 as claimed_ms,
           extract(epoch from created_at - scheduled_for)::float8 * 1000 as late_ms,
           extract(epoch from bench_written_at - scheduled_for)::float8 * 1000 as written_ms
    from job_executions
    where job_id = any(${jobIds}::uuid[])
      and scheduled_for >= ${new Date(from)} and scheduled_for < ${new Date(to)}`;
}

/** Runs per (job, tick): how many ticks had more than one, and how many of `expected` had none. */
export function exactlyOnce(runs: TickRun[], expected: number): { duplicates: number; missed: number } {
  const perTick = new Map<string, number>();
  for (const run of runs) {
    const key = `${run.job_id}|${run.tick.getTime()}`;
    perTick.set(key, (perTick.get(key) ?? 0) + 1);
  }
  const duplicates = [...perTick.values()].filter((n) => n > 1).length;
  return { duplicates, missed: expected - perTick.size };
}

export function statusMix(runs: TickRun[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ${n}`).join(', ');
}

export function latenessRows(scenario: string, runs: TickRun[], goal?: number): Row[] {
  const rows: Row[] = [];
  for (const [what, of] of [
    ['lateness (created_at)', (run: TickRun) => run.late_ms],
    ['lateness (row written)', (run: TickRun) => run.written_ms],
  ] as const) {
    const sorted = runs.map(of).sort((a, b) => a - b);
    const p99 = percentile(sorted, 0.99);
    rows.push(
      { scenario, metric: `${what} p50`, measured: ms(percentile(sorted, 0.5)), goal: '' },
      goal === undefined
        ? { scenario, metric: `${what} p99`, measured: ms(p99), goal: '' }
        : { scenario, metric: `${what} p99`, measured: ms(p99), goal: `<= ${goal} ms`, met: p99 <= goal },
      { scenario, metric: `${what} max`, measured: ms(sorted[sorted.length - 1] ?? Number.NaN), goal: '' },
    );
  }
  return rows;
}

/**
 * What the claim transactions did, from the runs they stored: the runs of one claim share its created_at, and
 * their written times show how long it took to reach the first insert and how long each further row took.
 */
export function claimRows(scenario: string, runs: TickRun[]): Row[] {
  const claims = new Map<number, TickRun[]>();
  for (const run of runs) claims.set(run.claimed_ms, [...(claims.get(run.claimed_ms) ?? []), run]);
  const sizes: number[] = [];
  const toFirst: number[] = [];
  const perRow: number[] = [];
  for (const [claimed, batch] of claims) {
    const written = batch.map((run) => run.tick.getTime() + run.written_ms - claimed).sort((a, b) => a - b);
    sizes.push(batch.length);
    toFirst.push(written[0]!);
    if (batch.length >= 10) perRow.push((written[written.length - 1]! - written[0]!) / (batch.length - 1));
  }
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
  return [
    {
      scenario,
      metric: 'claims: count, median rows',
      measured: `${claims.size}, ${median(sizes)}`,
      goal: '',
    },
    {
      scenario,
      metric: 'claims: median ms to 1st row, per row',
      measured: `${median(toFirst).toFixed(1)}, ${perRow.length ? median(perRow).toFixed(2) : '-'}`,
      goal: '',
    },
  ];
}

/** What `tickSummary` reports: counted in the database, for windows with too many runs to fetch. */
export interface TickSummary {
  runs: number;
  /** Distinct (job, tick) pairs with a run. */
  ticks: number;
  /** Ticks with more than one run. */
  duplicates: number;
  /** Lateness of the row written (`bench_written_at` - tick): p50, p99, max, in ms. */
  written: { p50: number; p99: number; max: number };
  statuses: string;
}

/** The runs of these jobs' ticks in [from, to), summarised by the database. */
export async function tickSummary(sql: Sql, jobIds: string[], from: number, to: number): Promise<TickSummary> {
  const [row] = await sql<{ runs: number; ticks: number; duplicates: number; p50: number; p99: number; max: number; statuses: string }[]>`
    with runs as (
      select job_id, scheduled_for, status, extract(epoch from bench_written_at - scheduled_for)::float8 * 1000 as written_ms
      from job_executions
      where job_id = any(${jobIds}::uuid[]) and scheduled_for >= ${new Date(from)} and scheduled_for < ${new Date(to)}
    ), per_tick as (select count(*) as n from runs group by job_id, scheduled_for)
    select (select count(*) from runs)::int as runs,
           (select count(*) from per_tick)::int as ticks,
           (select count(*) from per_tick where n > 1)::int as duplicates,
           (select percentile_disc(0.5) within group (order by written_ms) from runs) as p50,
           (select percentile_disc(0.99) within group (order by written_ms) from runs) as p99,
           (select max(written_ms) from runs) as max,
           (select string_agg(status || ' ' || n, ', ') from (select status, count(*) as n from runs group by status) s) as statuses`;
  return {
    runs: row!.runs,
    ticks: row!.ticks,
    duplicates: row!.duplicates,
    written: { p50: Number(row!.p50), p99: Number(row!.p99), max: Number(row!.max) },
    statuses: row!.statuses ?? '',
  };
}
