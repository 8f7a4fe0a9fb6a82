/**
 * Scheduler: how late cron ticks fire on one instance holding 10,000 schedules, how soon a herd of 1,000 ticks at
 * the same second is written, and whether three instances on one PostgreSQL fire every tick exactly once. Flink is
 * replaced by a no-op port (runs are accepted at once and reported FINISHED at their first follow-up), and the JAR
 * is served from loopback and cached by its SHA-256, so what is measured is the scheduler and the database.
 *
 *   npx tsx bench/scheduler.ts                        # all scenarios, about 6 minutes
 *   BENCH_SCENARIOS=single,herd,replicas              # any subset, comma-separated
 *   BENCH_SECONDS=120                                 # measured window of the single-instance scenario
 *   BENCH_REPLICA_SECONDS=60                          # measured window of the three-instance scenario
 *   DATABASE_URL=postgres://...                       # default: a scratch database on TEST_DATABASE_URL's server
 *   BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"   # extra node arguments for the instances
 *
 * single:   10,000 schedules `S * * * * *` (S = i % 60) on one instance, for BENCH_SECONDS.
 * herd:     1,000 schedules `0 * * * * *` on one instance; two minute ticks: tick -> last run stored.
 * replicas: three instances, 1,000 schedules `* * * * * *`, for BENCH_REPLICA_SECONDS; every (job, tick) in the
 *           window must have exactly one run.
 *
 * Each instance is a process of its own (bench/scheduler-instance.ts, startService with the no-op Flink port), so
 * its CPU (user + system from /proc, what process.cpuUsage counts) and resident memory are its own and not this
 * script's. It runs compiled (into dist/bench-instance), as `npm start` runs the service: tsx would add about
 * 70 MiB of RSS.
 *
 * Lateness of a tick is created_at - scheduled_for of its run. created_at is the clock read when the claim that
 * stored the run began, the same for the whole batch, so the time each row was really written is reported next to
 * it: job_executions gets a column defaulting to clock_timestamp() for the run (dropped at the end). The runs of one
 * claim share their created_at, which also shows how long each claim took per row.
 *
 * Schedules are created through the use cases of a container built here, once the instances are up; the catch-up
 * burst this causes is left out: windows open once no tick is overdue (or after 15 s of trying). Instances run
 * with the default scheduler and Flink poll intervals and LOG_LEVEL=warn. A `* * * * * *` job whose run is still
 * active at its next tick gets a SKIPPED run for that tick (overlap policy `skip`): that is a run of the tick too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../infrastructure/config.js';
import { buildContainer, databaseOf } from '../infrastructure/container.js';
import { createLogger } from '../infrastructure/logging.js';
import { startJarServer } from '../scripts/jar-server.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { compileInstance, startInstance as startProcess, watchUsage } from './instances.js';
import { NoopFlinkCluster } from './noop-flink-cluster.js';
import { machine, MIB, mib, ms, note, printTable, type Row } from './report.js';
import { caughtUp, createScheduledJobs, removeSchedules } from './scheduler-jobs.js';
import { claimRows, exactlyOnce, latenessRows, runsOfTicks, statusMix, type TickRun } from './scheduler-runs.js';

const SCENARIOS = ['single', 'herd', 'replicas'] as const;
type Scenario = (typeof SCENARIOS)[number];

const singleSeconds = Number(process.env.BENCH_SECONDS ?? 120);
const replicaSeconds = Number(process.env.BENCH_REPLICA_SECONDS ?? 60);
const chosen = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(',')).split(',').map((name) => name.trim());
for (const name of chosen) {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown '${name}', expected ${SCENARIOS.join(', ')}`);
}

const SINGLE_SCHEDULES = 10_000;
const HERD_SCHEDULES = 1_000;
const REPLICA_SCHEDULES = 1_000;
const REPLICAS = 3;
/** How long after a window closes its last ticks may still be written. */
const SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** The first whole second at least `leadMs` from now. */
const wholeSecondAfter = (leadMs: number) => Math.ceil((Date.now() + leadMs) / 1000) * 1000;

// ---------------------------------------------------------------------------------------------------------------
// Set-up shared by the scenarios: the database, the JAR server, and a container whose use cases create schedules.

const scratch = process.env.DATABASE_URL ? undefined : await createScratchDatabase();
const databaseUrl = process.env.DATABASE_URL ?? scratch!.url;
const dir = await mkdtemp(join(tmpdir(), 'fjs-bench-scheduler-'));
const jarPath = join(dir, 'bench.jar');
const jarBytes = randomBytes(4096);
await writeFile(jarPath, jarBytes);
const jarSha256 = createHash('sha256').update(jarBytes).digest('hex');
const jars = await startJarServer(jarPath);

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
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
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
    jobIds = await createScheduledJobs(setup, jarSha256, { prefix: 'single', count: SINGLE_SCHEDULES, cronOf: (i) => `${i % 60} * * * * *` });
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
    let expected = 0;
    for (let i = 0; i < SINGLE_SCHEDULES; i++) {
      for (let second = from / 1000; second < to / 1000; second++) if (second % 60 === i % 60) expected++;
    }
    const { duplicates, missed } = exactlyOnce(runs, expected);
    note(`single: ${runs.length} runs of ${expected} ticks (${statusMix(runs)})`);
    const rss = peakRss[0]!;
    return [
      ...latenessRows(scenario, runs, 50),
      { scenario, metric: 'ticks without a run / with several', measured: `${missed} / ${duplicates} of ${expected}`, goal: '0 / 0', met: missed === 0 && duplicates === 0 },
      ...claimRows(scenario, runs),
      { scenario, metric: 'CPU (% of one core)', measured: `${cpuPercent[0]!.toFixed(1)} %`, goal: '' },
      { scenario, metric: 'RSS (max sampled)', measured: mib(rss), goal: '<= 200 MiB', met: rss <= 200 * MIB },
      { scenario, metric: 'RSS idle, before any schedule', measured: mib(instance.idleRss), goal: '' },
    ];
  } finally {
    await instance.stop();
    await removeSchedules(sql, jobIds);
  }
}

async function herd(): Promise<Row[]> {
  const scenario = `herd: ${HERD_SCHEDULES} x "0 * * * * *"`;
  const instance = await startInstance('herd');
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs(setup, jarSha256, { prefix: 'herd', count: HERD_SCHEDULES, cronOf: () => '0 * * * * *' });
    await caughtUp(sql, 'herd', jobIds);
    // The next minute at least 3 s away, so the instance is idle before it.
    const first = Math.ceil((Date.now() + 3000) / 60_000) * 60_000;
    const rows: Row[] = [];
    for (const tick of [first, first + 60_000]) {
      note(`herd: waiting for the tick at ${new Date(tick).toISOString()}`);
      await sleep(tick - Date.now() + 1000);
      let runs: TickRun[] = [];
      for (const deadline = tick + 15_000; Date.now() < deadline; await sleep(200)) {
        runs = await runsOfTicks(sql, jobIds, tick, tick + 1);
        if (runs.length >= HERD_SCHEDULES) break;
      }
      const last = Math.max(...runs.map((run) => run.late_ms));
      const lastWritten = Math.max(...runs.map((run) => run.written_ms));
      const at = new Date(tick).toISOString().slice(11, 19);
      rows.push(
        { scenario, metric: `${at} runs stored`, measured: `${runs.length}`, goal: `${HERD_SCHEDULES}`, met: runs.length === HERD_SCHEDULES },
        { scenario, metric: `${at} tick -> last run (created_at)`, measured: ms(last), goal: '<= 1000 ms', met: last <= 1000 },
        { scenario, metric: `${at} tick -> last run (row written)`, measured: ms(lastWritten), goal: '<= 1000 ms', met: lastWritten <= 1000 },
        ...claimRows(scenario, runs).map((row) => ({ ...row, metric: `${at} ${row.metric}` })),
      );
      note(`herd: ${runs.length} runs (${statusMix(runs)}), last written ${ms(lastWritten)} after the tick`);
    }
    return rows;
  } finally {
    await instance.stop();
    await removeSchedules(sql, jobIds);
  }
}

async function replicas(): Promise<Row[]> {
  const scenario = `replicas: ${REPLICAS} processes x ${REPLICA_SCHEDULES} x "* * * * * *", ${replicaSeconds} s`;
  const instances = await Promise.all(Array.from({ length: REPLICAS }, (_, n) => startInstance(`replica-${n + 1}`)));
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs(setup, jarSha256, { prefix: 'replicas', count: REPLICA_SCHEDULES, cronOf: () => '* * * * * *' });
    await caughtUp(sql, 'replicas', jobIds);
    const from = wholeSecondAfter(2000);
    const to = from + replicaSeconds * 1000;
    await sleep(from - Date.now());
    note(`replicas: window open for ${replicaSeconds} s`);
    const usage = watchUsage(instances);
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    await sleep(SETTLE_MS);

    const runs = await runsOfTicks(sql, jobIds, from, to);
    const expected = REPLICA_SCHEDULES * replicaSeconds;
    const { duplicates, missed } = exactlyOnce(runs, expected);
    note(`replicas: ${runs.length} runs of ${expected} ticks (${statusMix(runs)})`);
    return [
      { scenario, metric: 'ticks with several runs', measured: `${duplicates} of ${expected}`, goal: '0', met: duplicates === 0 },
      { scenario, metric: 'ticks without a run', measured: `${missed} of ${expected}`, goal: '0', met: missed === 0 },
      ...latenessRows(scenario, runs),
      ...claimRows(scenario, runs),
      { scenario, metric: 'CPU per instance (% of one core)', measured: cpuPercent.map((p) => `${p.toFixed(0)} %`).join(', '), goal: '' },
      { scenario, metric: 'RSS per instance (max sampled)', measured: peakRss.map(mib).join(', '), goal: '' },
    ];
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await removeSchedules(sql, jobIds);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const run: Record<Scenario, () => Promise<Row[]>> = { single, herd, replicas };
const rows: Row[] = [];
const load = loadavg()[0]!.toFixed(2);
try {
  await compileInstance();
  for (const name of chosen as Scenario[]) rows.push(...(await run[name]()));
} finally {
  await sql`alter table job_executions drop column if exists bench_written_at`;
  await sql.end({ timeout: 5 });
  await databaseOf(setup).close();
  await jars.close();
  await rm(dir, { recursive: true, force: true });
  await scratch?.drop();
}

printTable(`Scheduler, PostgreSQL ${version}, ${machine(load)}`, rows);
