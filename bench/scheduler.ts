/**
 * Scheduler: how late cron ticks fire on one instance holding 10,000 schedules, how soon a herd of 1,000 or 10,000
 * ticks at the same second is written, and whether three instances on one PostgreSQL fire 100,000 schedules spread
 * over the minute (1,667 ticks a second) exactly once and on time. Flink is replaced by a no-op port (runs are
 * accepted at once and reported FINISHED at their first follow-up), and the JAR is served from loopback and cached
 * by its SHA-256, so what is measured is the scheduler and the database.
 *
 *   npx tsx bench/scheduler.ts                        # all scenarios, about 12 minutes
 *   BENCH_SCENARIOS=single,herd1k,herd10k,spread      # any subset, comma-separated
 *   BENCH_SECONDS=120                                 # measured window of the single-instance scenario
 *   BENCH_SPREAD_SECONDS=300                          # measured window of the three-instance scenario
 *   BENCH_SPREAD_SCHEDULES=100000                     # schedules of the three-instance scenario
 *   DATABASE_URL=postgres://...                       # default: a scratch database on TEST_DATABASE_URL's server
 *   BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"   # extra node arguments for the instances
 *   BENCH_INSTANCE_NODE_OPTIONS=""                              # the instances' NODE_OPTIONS; default: the Dockerfile's (its heap cap)
 *
 * single:  10,000 schedules `S * * * * *` (S = i % 60) on one instance, for BENCH_SECONDS.
 * herd1k:  1,000 schedules `A,B * * * * *` on one instance (A and B two seconds 15 s apart): per tick, the tick ->
 *          the last of its runs written.
 * herd10k: the same with 10,000 schedules.
 * spread:  three instances, BENCH_SPREAD_SCHEDULES schedules `S * * * * *` (S = i % 60), for BENCH_SPREAD_SECONDS;
 *          every (job, tick) in the window must have exactly one run.
 *
 * Each instance is a process of its own (bench/scheduler-instance.ts, startService with the no-op Flink port), so
 * its CPU (user + system from /proc, what process.cpuUsage counts) and resident memory are its own and not this
 * script's. It runs compiled (into dist/bench-instance), as `npm start` runs the service: tsx would add about
 * 70 MiB of RSS.
 *
 * Lateness of a tick is when its run's row was written minus the tick: job_executions gets a column defaulting to
 * clock_timestamp() for the run (dropped at the end). created_at is the clock read when the claim that stored the
 * run began, the same for the whole batch, which shows how long each claim took per row.
 *
 * Jobs and schedules are written straight into the tables (see bench/scheduler-jobs.ts) before the instances see
 * them; the catch-up burst this causes is left out: windows open once no tick is overdue (or after 15 s of trying).
 * Instances run with the default scheduler and Flink poll intervals and LOG_LEVEL=warn. A job whose run is still
 * active at its next tick gets a SKIPPED run for that tick (overlap policy `skip`): that is a run of the tick too.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../infrastructure/config.js';
import { buildContainer, databaseOf } from '../infrastructure/container.js';
import { createLogger } from '../infrastructure/logging.js';
import { BENCH_APPLICATION, DatabaseCpu } from './database-cpu.js';
import { benchSetup } from './bench-setup.js';
import { compileInstance, instanceSettings, processUsage, startInstance as startProcess, watchUsage } from './instances.js';
import { NoopFlinkCluster } from './noop-flink-cluster.js';
import { machine, MIB, mib, ms, note, printTable, type Row } from './report.js';
import { caughtUp, createScheduledJobs, removeJobs } from './scheduler-jobs.js';
import { claimRows, exactlyOnce, latenessRows, runsOfTicks, statusMix, tickSummary } from './scheduler-runs.js';

const SCENARIOS = ['single', 'herd1k', 'herd10k', 'spread'] as const;
type Scenario = (typeof SCENARIOS)[number];

const singleSeconds = Number(process.env.BENCH_SECONDS ?? 120);
const spreadSeconds = Number(process.env.BENCH_SPREAD_SECONDS ?? 300);
const spreadSchedules = Number(process.env.BENCH_SPREAD_SCHEDULES ?? 100_000);
const chosen = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(',')).split(',').map((name) => name.trim());
for (const name of chosen) {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown '${name}', expected ${SCENARIOS.join(', ')}`);
}

const SINGLE_SCHEDULES = 10_000;
const REPLICAS = 3;
/** Seconds between the two ticks of a herd: time for the first herd's launches to end. */
const HERD_GAP_S = 15;
/** How long after a window closes its last ticks may still be written. */
const SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** The first whole second at least `leadMs` from now. */
const wholeSecondAfter = (leadMs: number) => Math.ceil((Date.now() + leadMs) / 1000) * 1000;

// ---------------------------------------------------------------------------------------------------------------
// Set-up shared by the scenarios: the database (migrated by a container built here) and the JAR server.

const { databaseUrl, dir, jarSha256, jars, close: closeSetup } = await benchSetup('scheduler');

/** The environment every instance gets; `dataDir` keeps each instance's JAR cache its own. */
const serviceEnv = (dataDir: string): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  DATA_PROCESSOR_URL: jars.url,
  // Never called: the no-op port stands in for it.
  FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'warn',
});

const setup = await buildContainer(loadConfig(serviceEnv(join(dir, 'setup'))), createLogger('warn'), {
  flink: new NoopFlinkCluster(),
});
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { application_name: BENCH_APPLICATION } });
const version = (await sql<{ server_version: string }[]>`show server_version`)[0]!.server_version;
// When each run row was really written (created_at is the time its claim began); dropped at the end.
await sql`alter table job_executions add column if not exists bench_written_at timestamptz default clock_timestamp()`;

/** Extra node arguments for the instances, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile them. */
const instanceNodeArgs = (process.env.BENCH_INSTANCE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts one instance (see bench/instances.ts) with its own JAR cache. */
const startInstance = (name: string) => startProcess(name, serviceEnv(join(dir, name)), instanceNodeArgs);

// ---------------------------------------------------------------------------------------------------------------

async function single(): Promise<Row[]> {
  const scenario = `single: ${SINGLE_SCHEDULES} x "S * * * * *", ${singleSeconds} s`;
  const instance = await startInstance('single');
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs(sql, jarSha256, { prefix: 'single', count: SINGLE_SCHEDULES, cronOf: (i) => `${i % 60} * * * * *` });
    await caughtUp(sql, 'single', jobIds);
    const from = wholeSecondAfter(2000);
    const to = from + singleSeconds * 1000;
    await sleep(from - Date.now());
    note(`single: window open for ${singleSeconds} s`);
    const usage = watchUsage([instance]);
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    await sleep(SETTLE_MS);

    const runs = await runsOfTicks(sql, jobIds, from, to);
    const expected = spreadTicks(SINGLE_SCHEDULES, from, to);
    const { duplicates, missed } = exactlyOnce(runs, expected);
    note(`single: ${runs.length} runs of ${expected} ticks (${statusMix(runs)})`);
    const rss = peakRss[0]!;
    return [
      ...latenessRows(scenario, runs, 20),
      { scenario, metric: 'ticks without a run / with several', measured: `${missed} / ${duplicates} of ${expected}`, goal: '0 / 0', met: missed === 0 && duplicates === 0 },
      ...claimRows(scenario, runs),
      { scenario, metric: 'CPU (% of one core)', measured: `${cpuPercent[0]!.toFixed(1)} %`, goal: '' },
      { scenario, metric: 'RSS (max sampled)', measured: mib(rss), goal: '<= 200 MiB', met: rss <= 200 * MIB },
      { scenario, metric: 'RSS idle, before any schedule', measured: mib(instance.idleRss), goal: '' },
    ];
  } finally {
    await instance.stop();
    await removeJobs(sql, jobIds);
  }
}

/** How many ticks `count` schedules `S * * * * *` (S = i % 60) have in [from, to). */
function spreadTicks(count: number, from: number, to: number): number {
  let expected = 0;
  for (let second = from / 1000; second < to / 1000; second++) {
    const slot = second % 60;
    expected += Math.floor(count / 60) + (slot < count % 60 ? 1 : 0);
  }
  return expected;
}

/**
 * How many runs the tick has (each scenario's jobs are the only ones with schedules while it runs). Polled every
 * 25 ms beside the herd it measures, so it must cost little: `job_id = any(<10,000 ids>)` had PostgreSQL compare
 * each row with the whole array, a third of a second of the database's CPU per poll.
 */
async function storedRuns(tick: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from job_executions where scheduled_for = ${new Date(tick)} and trigger = 'schedule'`;
  return row!.n;
}

/** `count` schedules due at the same two seconds, 15 s apart: how soon after each tick its last run is written. */
async function herd(count: number, goalMs: number): Promise<Row[]> {
  const instance = await startInstance(`herd-${count}`);
  let jobIds: string[] = [];
  try {
    // The first tick far enough away for the schedules to be written and seen, the instance idle before it.
    const first = wholeSecondAfter(8000 + count);
    const seconds = [first, first + HERD_GAP_S * 1000].map((tick) => (tick / 1000) % 60);
    const cron = `${seconds.join(',')} * * * * *`;
    const scenario = `herd: ${count} x "${cron}"`;
    jobIds = await createScheduledJobs(sql, jarSha256, { prefix: `herd${count}`, count, cronOf: () => cron });
    const rows: Row[] = [];
    for (const tick of [first, first + HERD_GAP_S * 1000]) {
      note(`herd: waiting for the tick at ${new Date(tick).toISOString()}`);
      await sleep(tick - Date.now() - 300);
      // What the herd costs, whatever else the machine runs: the CPU of the instance and of its database sessions
      // from just before the tick until its runs are all there (and a little after: the launches begin then).
      const databaseCpu = new DatabaseCpu(sql);
      await databaseCpu.start();
      const instanceCpu = processUsage(instance.pid).cpuSeconds;
      for (const deadline = tick + 15_000; Date.now() < deadline; await sleep(25)) {
        if ((await storedRuns(tick)) >= count) break;
      }
      const cpuMs = ((processUsage(instance.pid).cpuSeconds - instanceCpu) + ((await databaseCpu.seconds()) ?? Number.NaN)) * 1000;
      databaseCpu.stop();
      const runs = await runsOfTicks(sql, jobIds, tick, tick + 1);
      const lastWritten = Math.max(...runs.map((run) => run.written_ms));
      const firstWritten = Math.min(...runs.map((run) => run.written_ms));
      const at = new Date(tick).toISOString().slice(11, 19);
      rows.push(
        { scenario, metric: `${at} runs stored`, measured: `${runs.length}`, goal: `${count}`, met: runs.length === count },
        { scenario, metric: `${at} tick -> first run written`, measured: ms(firstWritten), goal: '' },
        { scenario, metric: `${at} tick -> last run written`, measured: ms(lastWritten), goal: `<= ${goalMs} ms`, met: lastWritten <= goalMs },
        { scenario, metric: `${at} CPU of instance + its db sessions until then`, measured: ms(cpuMs), goal: '' },
        ...claimRows(scenario, runs).map((row) => ({ ...row, metric: `${at} ${row.metric}` })),
      );
      note(`herd: ${runs.length} runs (${statusMix(runs)}), last written ${ms(lastWritten)} after the tick`);
    }
    return rows;
  } finally {
    await instance.stop();
    await removeJobs(sql, jobIds);
  }
}

async function spread(): Promise<Row[]> {
  const perSecond = Math.round(spreadSchedules / 60);
  const scenario = `spread: ${REPLICAS} processes x ${spreadSchedules} x "S * * * * *" (${perSecond} ticks/s), ${spreadSeconds} s`;
  const instances = await Promise.all(Array.from({ length: REPLICAS }, (_, n) => startInstance(`replica-${n + 1}`)));
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs(sql, jarSha256, { prefix: 'spread', count: spreadSchedules, cronOf: (i) => `${i % 60} * * * * *` });
    await caughtUp(sql, 'spread', jobIds);
    const from = wholeSecondAfter(2000);
    const to = from + spreadSeconds * 1000;
    await sleep(from - Date.now());
    note(`spread: window open for ${spreadSeconds} s`);
    const usage = watchUsage(instances);
    const databaseCpu = new DatabaseCpu(sql);
    await databaseCpu.start();
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    const databasePercent = (((await databaseCpu.seconds()) ?? Number.NaN) / spreadSeconds) * 100;
    databaseCpu.stop();
    await sleep(SETTLE_MS);

    const summary = await tickSummary(sql, jobIds, from, to);
    const expected = spreadTicks(spreadSchedules, from, to);
    const missed = expected - summary.ticks;
    note(`spread: ${summary.runs} runs of ${expected} ticks (${summary.statuses})`);
    const { p50, p99, max } = summary.written;
    return [
      { scenario, metric: 'ticks with several runs', measured: `${summary.duplicates} of ${expected}`, goal: '0', met: summary.duplicates === 0 },
      { scenario, metric: 'ticks without a run', measured: `${missed} of ${expected}`, goal: '0', met: missed === 0 },
      { scenario, metric: 'lateness (row written) p50', measured: ms(p50), goal: '' },
      { scenario, metric: 'lateness (row written) p99', measured: ms(p99), goal: '<= 100 ms', met: p99 <= 100 },
      { scenario, metric: 'lateness (row written) max', measured: ms(max), goal: '' },
      { scenario, metric: 'CPU per instance (% of one core)', measured: cpuPercent.map((p) => `${p.toFixed(0)} %`).join(', '), goal: '' },
      { scenario, metric: 'CPU of their database sessions (% of one core)', measured: `${databasePercent.toFixed(0)} %`, goal: '' },
      {
        scenario,
        metric: 'RSS per instance (max sampled)',
        measured: peakRss.map(mib).join(', '),
        goal: '<= 250 MiB each',
        met: peakRss.every((rss) => rss <= 250 * MIB),
      },
    ];
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await removeJobs(sql, jobIds);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const run: Record<Scenario, () => Promise<Row[]>> = {
  single,
  herd1k: () => herd(1_000, 150),
  herd10k: () => herd(10_000, 1000),
  spread,
};
const rows: Row[] = [];
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const loadAtStart = load();
try {
  await compileInstance();
  for (const name of chosen as Scenario[]) {
    rows.push(...(await run[name]()));
    rows.push({ scenario: name, metric: 'load average (1, 5, 15 min) after it', measured: load(), goal: '' });
  }
} finally {
  await sql`alter table job_executions drop column if exists bench_written_at`;
  await sql.end({ timeout: 5 });
  await databaseOf(setup).close();
  await closeSetup();
}

printTable(`Scheduler, PostgreSQL ${version}, ${machine(loadAtStart)}; ${instanceSettings}`, rows);
