/**
 * Bounded history: every-second schedules on one instance (the compiled service with the no-op Flink port, see
 * bench/instances.ts) on PostgreSQL, with the run retention set short, while the row count and the size of
 * job_executions are sampled. After the first retention period both should stay flat; without retention the rows
 * would grow by one per schedule and second, and that unbounded count is printed beside them as the limit.
 *
 *   npx tsx bench/history.ts                  # 1,000 schedules for 10 minutes, retention 2 minutes
 *   BENCH_SCHEDULES=200                       # how many `* * * * * *` schedules
 *   BENCH_SECONDS=240                         # how long they run
 *   BENCH_RETENTION_SECONDS=60                # EXECUTION_RETENTION_DAYS, as a fraction of a day
 *   BENCH_SAMPLE_SECONDS=15                   # how often rows and size are sampled
 *   BENCH_SWEEP_INTERVAL_MS=10000             # EXECUTION_SWEEP_INTERVAL_MS of the instance
 *   DATABASE_URL=postgres://...               # default: a scratch database on TEST_DATABASE_URL's server
 *
 * Size is pg_total_relation_size (table, TOAST and indexes): rows removed leave space that VACUUM (the sweep's own
 * every 10,000 rows, or autovacuum) hands back to new rows, so the size levels off above what the live rows need. Events (the outbox) are sampled too: they are kept
 * EVENT_RETENTION_DAYS (whole days) and are not what this benchmark bounds.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { benchSetup } from './bench-setup.js';
import { compileInstance, instanceSettings, startInstance, watchUsage } from './instances.js';
import { machine, mib, note, printTable, type Row } from './report.js';
import { createScheduledJobs, removeJobs } from './scheduler-jobs.js';

const schedules = Number(process.env.BENCH_SCHEDULES ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 600);
const retentionSeconds = Number(process.env.BENCH_RETENTION_SECONDS ?? 120);
const sampleSeconds = Number(process.env.BENCH_SAMPLE_SECONDS ?? 15);
const sweepIntervalMs = Number(process.env.BENCH_SWEEP_INTERVAL_MS ?? 10_000);
/** How far above the count at the end of the first retention period the rows may go and still count as flat. */
const FLAT_MARGIN = 1.2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface Sample {
  second: number;
  rows: number;
  /** Runs written since the table was made (its insert counter): what it would hold without retention. */
  written: number;
  bytes: number;
  events: number;
}

const { databaseUrl, dir, jarSha256, jars, close: closeSetup } = await benchSetup('history');
const load = loadavg()[0]!.toFixed(2);

const serviceEnv = (dataDir: string): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  DATA_PROCESSOR_URL: jars.url,
  FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'warn',
  EXECUTION_RETENTION_DAYS: String(retentionSeconds / 86_400),
  EXECUTION_SWEEP_INTERVAL_MS: String(sweepIntervalMs),
});

const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });

async function sample(startedAt: number): Promise<Sample> {
  const [row] = await sql<{ rows: number; written: string; bytes: string; events: number }[]>`
    select (select count(*)::int from job_executions) as rows,
      (select n_tup_ins from pg_stat_user_tables where relname = 'job_executions') as written,
      pg_total_relation_size('job_executions') as bytes,
      (select count(*)::int from events) as events`;
  const second = Math.round((Date.now() - startedAt) / 1000);
  return { second, rows: row!.rows, written: Number(row!.written), bytes: Number(row!.bytes), events: row!.events };
}

function printSamples(samples: Sample[]): void {
  console.log(`\njob_executions while ${schedules} every-second schedules run, retention ${retentionSeconds} s\n`);
  console.log('| second | rows | runs written (rows without retention) | table size | events |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of samples) {
    console.log(`| ${s.second} | ${s.rows} | ${s.written} | ${mib(s.bytes)} | ${s.events} |`);
  }
}

/**
 * The verdict: from two retention periods on (the first fills the table, in the second the first removed rows'
 * space is reclaimed and used again), rows and size no higher than FLAT_MARGIN x there.
 */
function verdict(samples: Sample[], cpuPercent: number, rss: number): Row[] {
  const settleSecond = 2 * retentionSeconds;
  const after = samples.filter((s) => s.second >= settleSecond);
  const first = after[0];
  const last = samples[samples.length - 1]!;
  if (!first || after.length < 2) throw new Error(`run longer than ${settleSecond} s to see the history level off`);
  const maxRows = Math.max(...after.map((s) => s.rows));
  const maxBytes = Math.max(...after.map((s) => s.bytes));
  const scenario = `${schedules} x "* * * * * *", ${seconds} s, retention ${retentionSeconds} s`;
  // What the retention should leave: the runs written in its period (plus a sweep interval), at the rate measured.
  const rate = (last.written - first.written) / (last.second - first.second);
  const bound = rate * (retentionSeconds + sweepIntervalMs / 1000);
  return [
    { scenario, metric: `rows at ${first.second} s -> highest after -> at the end`, measured: `${first.rows} -> ${maxRows} -> ${last.rows}`, goal: `highest <= ${FLAT_MARGIN} x first`, met: maxRows <= FLAT_MARGIN * first.rows },
    { scenario, metric: 'runs written a second (the schedules ask for one each)', measured: `${rate.toFixed(0)} (${((rate / schedules) * 100).toFixed(0)} %)`, goal: '' },
    { scenario, metric: 'rows at the end / runs written in (retention + sweep interval)', measured: (last.rows / bound).toFixed(2), goal: '<= 1.1', met: last.rows <= 1.1 * bound },
    { scenario, metric: 'rows at the end / runs written (rows without retention)', measured: (last.rows / last.written).toFixed(3), goal: 'well under 1' },
    { scenario, metric: `table size at ${first.second} s -> highest after -> at the end`, measured: `${mib(first.bytes)} -> ${mib(maxBytes)} -> ${mib(last.bytes)}`, goal: `highest <= ${FLAT_MARGIN} x first`, met: maxBytes <= FLAT_MARGIN * first.bytes },
    { scenario, metric: 'instance CPU, peak RSS', measured: `${cpuPercent.toFixed(0)} %, ${mib(rss)}`, goal: '' },
  ];
}

await compileInstance();
const instance = await startInstance('history', serviceEnv(join(dir, 'history')));
let jobIds: string[] = [];
try {
  jobIds = await createScheduledJobs(sql, jarSha256, { prefix: 'history', count: schedules, cronOf: () => '* * * * * *' });
  const startedAt = Date.now();
  const usage = watchUsage([instance]);
  const samples: Sample[] = [];
  for (let next = startedAt; next <= startedAt + seconds * 1000; next += sampleSeconds * 1000) {
    await sleep(next - Date.now());
    samples.push(await sample(startedAt));
    const s = samples[samples.length - 1]!;
    note(`${s.second} s: ${s.rows} runs, ${mib(s.bytes)}, ${s.events} events`);
  }
  const { cpuPercent, peakRss } = usage();
  printSamples(samples);
  printTable(`Bounded history, PostgreSQL; ${machine(load)}; ${instanceSettings}`, verdict(samples, cpuPercent[0]!, peakRss[0]!));
} finally {
  await removeJobs(sql, jobIds).catch(() => undefined);
  await instance.stop();
  await sql.end({ timeout: 5 });
  await closeSetup();
}
