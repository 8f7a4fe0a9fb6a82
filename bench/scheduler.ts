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
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { RETRY_DEFAULTS } from '../domain/entities/retry-policy.js';
import { SCHEDULE_DEFAULTS } from '../domain/entities/schedule.js';
import type { AuditContext } from '../domain/entities/audit.js';
import type { JobDefinitions } from '../domain/ports/input/job-definitions.js';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import { loadConfig } from '../infrastructure/config.js';
import { buildContainer, databaseOf } from '../infrastructure/container.js';
import { createLogger } from '../infrastructure/logging.js';
import { TOKENS } from '../infrastructure/tokens.js';
import { startJarServer } from '../scripts/jar-server.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { NoopFlinkCluster } from './noop-flink-cluster.js';

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
/** How many jobs are created at once: enough to keep the container's 10 connections busy. */
const CREATE_CONCURRENCY = 16;
/** How long after a window closes its last ticks may still be written. */
const SETTLE_MS = 3000;
/** Longest wait for the start-up burst to clear before a window opens. */
const CATCH_UP_MS = 15_000;
const MIB = 1024 * 1024;

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const note = (message: string) => console.error(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
/** The first whole second at least `leadMs` from now. */
const wholeSecondAfter = (leadMs: number) => Math.ceil((Date.now() + leadMs) / 1000) * 1000;

interface Row {
  scenario: string;
  metric: string;
  measured: string;
  goal: string;
  met?: boolean;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

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

/** The benchmark sets its jobs up as an admin key would, each change with its audit row. */
const BENCH_AUDIT: AuditContext = {
  actor: { name: 'bench', role: 'admin' },
  action: 'bench.setup',
  resourceType: 'job',
  requestId: 'bench',
  sourceAddress: null,
  reason: null,
  outcome: 201,
};

/** Creates `count` jobs, each with the schedule `cronOf(i)`; resolves with their ids in order. */
async function createScheduledJobs(prefix: string, count: number, cronOf: (i: number) => string): Promise<string[]> {
  const definitions = setup.resolve<JobDefinitions>(TOKENS.JobDefinitions);
  const schedules = setup.resolve<JobSchedules>(TOKENS.JobSchedules);
  const ids: string[] = new Array(count);
  const started = performance.now();
  let next = 0;
  const createSome = async () => {
    for (let i = next++; i < count; i = next++) {
      const job = await definitions.createJob({
        name: `${prefix}-${Date.now()}-${i}`,
        description: null,
        jarURL: '/jars/bench.jar',
        entryClass: 'com.example.Bench',
        config: {},
        args: [],
        parallelism: null,
        flinkConfiguration: {},
        jarSha256,
        timeoutSeconds: null,
        labels: { bench: prefix },
        retryPolicy: { ...RETRY_DEFAULTS },
      }, BENCH_AUDIT);
      await schedules.setSchedule(job.id, { ...SCHEDULE_DEFAULTS, cron: cronOf(i) }, BENCH_AUDIT);
      ids[i] = job.id;
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, createSome));
  note(`${prefix}: ${count} jobs with schedules created in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ids;
}

/**
 * Waits until none of these schedules has a tick due for more than half a second (the start-up burst is over), or
 * until `CATCH_UP_MS` have passed: an instance that cannot keep up never gets there, and the window shows it.
 */
async function caughtUp(label: string, jobIds: string[]): Promise<void> {
  const deadline = Date.now() + CATCH_UP_MS;
  let due = 0;
  for (let quiet = 0; quiet < 2 && Date.now() < deadline; await sleep(250)) {
    due = (await sql<{ due: number }[]>`
      select count(*)::int as due from job_schedules
      where job_id = any(${jobIds}::uuid[]) and next_due_at < now() - interval '500 milliseconds'`)[0]!.due;
    quiet = due === 0 ? quiet + 1 : 0;
  }
  if (due > 0) note(`${label}: still ${due} schedules more than 0.5 s overdue after ${CATCH_UP_MS / 1000} s; measuring anyway`);
}

/** Stops these schedules firing in later scenarios (the runs stay, for the record). */
async function removeSchedules(jobIds: string[]): Promise<void> {
  await sql`delete from job_schedules where job_id = any(${jobIds}::uuid[])`;
}

interface TickRun {
  job_id: string;
  tick: Date;
  status: string;
  /** When the claim that stored the run began (its created_at), in epoch ms. */
  claimed_ms: number;
  late_ms: number;
  written_ms: number;
}

function runsOfTicks(jobIds: string[], from: number, to: number): Promise<TickRun[]> {
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
function exactlyOnce(runs: TickRun[], expected: number): { duplicates: number; missed: number } {
  const perTick = new Map<string, number>();
  for (const run of runs) {
    const key = `${run.job_id}|${run.tick.getTime()}`;
    perTick.set(key, (perTick.get(key) ?? 0) + 1);
  }
  const duplicates = [...perTick.values()].filter((n) => n > 1).length;
  return { duplicates, missed: expected - perTick.size };
}

function statusMix(runs: TickRun[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ${n}`).join(', ');
}

function latenessRows(scenario: string, runs: TickRun[], goal?: number): Row[] {
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
function claimRows(scenario: string, runs: TickRun[]): Row[] {
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

interface Instance {
  pid: number;
  /** Resident memory right after start-up, before any schedule exists. */
  idleRss: number;
  stop(): Promise<void>;
}

/** Extra node arguments for the instances, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile them. */
const instanceNodeArgs = (process.env.BENCH_INSTANCE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * The instances run compiled, as the service does after `npm start`, not under tsx (whose loader and esbuild
 * service add about 70 MiB of RSS): bench/scheduler-instance.ts and what it imports are compiled once first.
 */
const instanceEntry = join(projectRoot, 'dist', 'bench-instance', 'bench', 'scheduler-instance.js');
async function compileInstance(): Promise<void> {
  const tsc = spawn(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(projectRoot, 'bench', 'tsconfig.instance.json')], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  const [code] = await once(tsc, 'exit');
  if (code !== 0) throw new Error(`compiling bench/scheduler-instance.ts failed (exit ${code})`);
}

/** Starts the compiled bench/scheduler-instance.ts in a process of its own; resolves once it listens and has settled. */
async function startInstance(name: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [...instanceNodeArgs, instanceEntry],
    {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...serviceEnv(join(dir, name)) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^\{"port":\d+\}$/m.test(output)) resolve();
    });
    void exited.then(() => reject(new Error(`instance ${name} exited before listening:\n${output}`)));
  });
  await sleep(1000);
  return {
    pid: child.pid!,
    idleRss: processUsage(child.pid!).rss,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU seconds (user + system, what process.cpuUsage counts) and resident bytes of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, from field 3 (state) on: utime and stime are fields 14 and 15, in 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rss };
}

/** Samples the instances' CPU and resident memory over a window. */
function watchUsage(instances: Instance[]): () => { cpuPercent: number[]; peakRss: number[] } {
  const started = performance.now();
  const before = instances.map((instance) => processUsage(instance.pid));
  const peakRss = before.map((usage) => usage.rss);
  const sampler = setInterval(() => {
    instances.forEach((instance, n) => (peakRss[n] = Math.max(peakRss[n]!, processUsage(instance.pid).rss)));
  }, 200);
  return () => {
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const cpuPercent = instances.map(
      (instance, n) => ((processUsage(instance.pid).cpuSeconds - before[n]!.cpuSeconds) / seconds) * 100,
    );
    return { cpuPercent, peakRss };
  };
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

// ---------------------------------------------------------------------------------------------------------------

async function single(): Promise<Row[]> {
  const scenario = `single: ${SINGLE_SCHEDULES} x "S * * * * *", ${singleSeconds} s`;
  const instance = await startInstance('single');
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs('single', SINGLE_SCHEDULES, (i) => `${i % 60} * * * * *`);
    await caughtUp('single', jobIds);
    const from = wholeSecondAfter(2000);
    const to = from + singleSeconds * 1000;
    await sleep(from - Date.now());
    note(`single: window open for ${singleSeconds} s`);
    const usage = watchUsage([instance]);
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    await sleep(SETTLE_MS);

    const runs = await runsOfTicks(jobIds, from, to);
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
    await removeSchedules(jobIds);
  }
}

async function herd(): Promise<Row[]> {
  const scenario = `herd: ${HERD_SCHEDULES} x "0 * * * * *"`;
  const instance = await startInstance('herd');
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs('herd', HERD_SCHEDULES, () => '0 * * * * *');
    await caughtUp('herd', jobIds);
    // The next minute at least 3 s away, so the instance is idle before it.
    const first = Math.ceil((Date.now() + 3000) / 60_000) * 60_000;
    const rows: Row[] = [];
    for (const tick of [first, first + 60_000]) {
      note(`herd: waiting for the tick at ${new Date(tick).toISOString()}`);
      await sleep(tick - Date.now() + 1000);
      let runs: TickRun[] = [];
      for (const deadline = tick + 15_000; Date.now() < deadline; await sleep(200)) {
        runs = await runsOfTicks(jobIds, tick, tick + 1);
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
    await removeSchedules(jobIds);
  }
}

async function replicas(): Promise<Row[]> {
  const scenario = `replicas: ${REPLICAS} processes x ${REPLICA_SCHEDULES} x "* * * * * *", ${replicaSeconds} s`;
  const instances = await Promise.all(Array.from({ length: REPLICAS }, (_, n) => startInstance(`replica-${n + 1}`)));
  let jobIds: string[] = [];
  try {
    jobIds = await createScheduledJobs('replicas', REPLICA_SCHEDULES, () => '* * * * * *');
    await caughtUp('replicas', jobIds);
    const from = wholeSecondAfter(2000);
    const to = from + replicaSeconds * 1000;
    await sleep(from - Date.now());
    note(`replicas: window open for ${replicaSeconds} s`);
    const usage = watchUsage(instances);
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    await sleep(SETTLE_MS);

    const runs = await runsOfTicks(jobIds, from, to);
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
    await removeSchedules(jobIds);
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

console.log(
  `\nScheduler, PostgreSQL ${version}, Node ${process.version}, ${cpus().length} CPU cores ` +
    `(1-minute load average ${load} at the start; other work may share them)\n`,
);
const widths = [0, 0, 0, 0, 0];
const cells = rows.map((row) => [row.scenario, row.metric, row.measured, row.goal, row.met === undefined ? '' : row.met ? 'yes' : 'NO']);
const header = ['scenario', 'metric', 'measured', 'goal', 'met?'];
for (const line of [header, ...cells]) line.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
const format = (line: string[]) => `| ${line.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
console.log(format(header));
console.log(format(widths.map((width) => '-'.repeat(width))));
for (const line of cells) console.log(format(line));
