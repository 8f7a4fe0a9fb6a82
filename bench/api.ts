/**
 * Reads through the API under load, against their limits measured in the same run: autocannon with 64 connections
 * against the compiled service (no-op Flink port, default LOG_LEVEL) on PostgreSQL with 100 and with 100,000 jobs,
 * each instance's own `/readyz` (a health check of the database: `select 1` and a count of the applied
 * migrations), and a bare Hono route answering the same JSON as GET /api/v1/jobs/:id in a process of its own.
 *
 *   npx tsx bench/api.ts                  # about 6 minutes
 *   BENCH_SECONDS=10                      # each measurement (after BENCH_WARMUP_SECONDS=2 of warm-up)
 *   BENCH_CONNECTIONS=64
 *   BENCH_PGLITE=0                        # leave out the embedded PGlite rows
 *   BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"   # extra node arguments for the service instances
 *   BENCH_INSTANCE_NODE_OPTIONS=""                              # the instances' NODE_OPTIONS; default: the Dockerfile's (its heap cap)
 *
 * Jobs are written straight into scratch databases on TEST_DATABASE_URL's server (see bench/api-data.ts): labels
 * `team: t<i % 50>`, so `label=team:t7` matches 2 % of them (2 jobs of 100, 2,000 of 100,000). The first job, the
 * one read by id, has 1,000 runs besides: its page of runs and the page of all runs read 50 of them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { migratePostgresDatabase } from '../infrastructure/database.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { seedJobs } from './api-data.js';
import { compileInstance, instanceSettings, startInstance, type Instance } from './instances.js';
import { machine, ms, note, printTable, type Row } from './report.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const withPglite = process.env.BENCH_PGLITE !== '0';
const instanceNodeArgs = (process.env.BENCH_INSTANCE_NODE_ARGS ?? '').split(' ').filter(Boolean);

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** Requests that got no answer within autocannon's 10 s timeout. */
  timeouts: number;
}

async function measure(url: string): Promise<Measured> {
  const check = await fetch(url);
  if (check.status !== 200) throw new Error(`GET ${url} answered ${check.status}: ${await check.text()}`);
  if (warmupSeconds > 0) await autocannon({ url, connections, duration: warmupSeconds });
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > result.timeouts) {
    throw new Error(`GET ${url}: ${result.non2xx} answers other than 2xx, ${result.errors} errors`);
  }
  note(`${url}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, timeouts: result.timeouts };
}

const rps = (value: number) => `${Math.round(value).toLocaleString('en-US')} req/s`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;
const latencies = (m: Measured) => `p50 ${ms(m.p50)}, p99 ${ms(m.p99)}${m.timeouts > 0 ? `, ${m.timeouts} timed out` : ''}`;

const dir = await mkdtemp(join(tmpdir(), 'fjs-bench-api-'));
const instances: Instance[] = [];
const drops: (() => Promise<void>)[] = [];

const serviceEnv = (name: string, database: Record<string, string>): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: join(dir, name),
  FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
  ...database,
});

/** A scratch PostgreSQL database with `count` jobs, and an instance on it. */
async function serviceWithJobs(count: number): Promise<{ base: string; firstJobId: string }> {
  const scratch = await createScratchDatabase();
  drops.push(scratch.drop);
  await migratePostgresDatabase(scratch.url);
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const { firstJobId } = await seedJobs(sql, count);
  await sql.end({ timeout: 5 });
  note(`${count} jobs written; starting an instance on them`);
  const instance = await startInstance(`jobs-${count}`, serviceEnv(`jobs-${count}`, { DATABASE_URL: scratch.url }), instanceNodeArgs, {
    output: 'discard',
  });
  instances.push(instance);
  return { base: `http://127.0.0.1:${instance.port}`, firstJobId };
}

interface Reads {
  readyz: Measured;
  job: Measured;
  page: Measured;
  labelled: Measured;
  /** `team:t7` and `tier:gold`: no job has both. */
  unmatched: Measured;
  /** The first page of the first job's runs. */
  jobRuns: Measured;
  /** The first page of all jobs' runs. */
  allRuns: Measured;
}

async function measureReads(base: string, jobId: string): Promise<Reads> {
  return {
    readyz: await measure(`${base}/readyz`),
    job: await measure(`${base}/api/v1/jobs/${jobId}`),
    page: await measure(`${base}/api/v1/jobs?limit=50`),
    labelled: await measure(`${base}/api/v1/jobs?limit=50&label=team:t7`),
    unmatched: await measure(`${base}/api/v1/jobs?limit=50&label=team:t7&label=tier:gold`),
    jobRuns: await measure(`${base}/api/v1/jobs/${jobId}/executions?limit=50`),
    allRuns: await measure(`${base}/api/v1/executions?limit=50`),
  };
}

function readRows(size: string, reads: Reads): Row[] {
  const ratio = (m: Measured) => m.rps / reads.readyz.rps;
  const row = (what: string, m: Measured, goal: string, met?: boolean): Row => ({
    scenario: `${size}: ${what}`,
    metric: 'throughput; latency',
    measured: `${rps(m.rps)} (${percent(ratio(m))} of /readyz); ${latencies(m)}`,
    goal,
    met,
  });
  return [
    row('GET /readyz', reads.readyz, 'the limit'),
    row('GET /api/v1/jobs/:id', reads.job, '≥ 70 % of /readyz, p99 ≤ 20 ms', ratio(reads.job) >= 0.7 && reads.job.p99 <= 20),
    row('GET /api/v1/jobs?limit=50', reads.page, '≥ 50 % of /readyz', ratio(reads.page) >= 0.5),
    row('GET /api/v1/jobs?limit=50&label=team:t7', reads.labelled, '≥ 50 % of /readyz', ratio(reads.labelled) >= 0.5),
    row('GET /api/v1/jobs?limit=50&label=team:t7&label=tier:gold (no job)', reads.unmatched, ''),
    row('GET /api/v1/jobs/:id/executions?limit=50 (a job with 1,000 runs)', reads.jobRuns, '≥ 50 % of /readyz', ratio(reads.jobRuns) >= 0.5),
    row('GET /api/v1/executions?limit=50', reads.allRuns, '≥ 50 % of /readyz', ratio(reads.allRuns) >= 0.5),
  ];
}

/** An instance on embedded PGlite with 100 jobs made through the API, the first with a schedule. */
async function pgliteReads(): Promise<Row[]> {
  const instance = await startInstance('pglite', serviceEnv('pglite', {}), instanceNodeArgs, { output: 'discard' });
  instances.push(instance);
  const base = `http://127.0.0.1:${instance.port}`;
  let firstJobId = '';
  for (let i = 1; i <= 100; i++) {
    const body = { name: `job-${String(i).padStart(6, '0')}`, jarURL: '/jars/bench.jar', entryClass: 'com.example.Main', labels: { team: `t${i % 50}` } };
    const job = (await (await fetch(`${base}/api/v1/jobs`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json()) as { id: string };
    if (i === 1) firstJobId = job.id;
  }
  await fetch(`${base}/api/v1/jobs/${firstJobId}/schedule`, {
    method: 'POST',
    body: JSON.stringify({ cron: '0 0 * * *', timezone: 'UTC' }),
    headers: { 'content-type': 'application/json' },
  });
  const readyz = await measure(`${base}/readyz`);
  const job = await measure(`${base}/api/v1/jobs/${firstJobId}`);
  const ratio = job.rps / readyz.rps;
  return [
    { scenario: 'PGlite, 100 jobs: GET /readyz', metric: 'throughput; latency', measured: `${rps(readyz.rps)}; ${latencies(readyz)}`, goal: 'the limit' },
    {
      scenario: 'PGlite, 100 jobs: GET /api/v1/jobs/:id',
      metric: 'throughput; latency',
      measured: `${rps(job.rps)} (${percent(ratio)} of /readyz); ${latencies(job)}`,
      goal: '',
    },
  ];
}

async function main(): Promise<void> {
  const load = loadavg()[0]!.toFixed(2);
  await compileInstance();
  const small = await serviceWithJobs(100);
  const large = await serviceWithJobs(100_000);
  const smallReads = await measureReads(small.base, small.firstJobId);
  const largeReads = await measureReads(large.base, large.firstJobId);
  const body = await (await fetch(`${large.base}/api/v1/jobs/${large.firstJobId}`)).text();
  for (const instance of instances.splice(0)) await instance.stop();
  const bare = await startInstance('bare', { BENCH_JSON: body }, [], { script: 'bare-json-server.js' });
  instances.push(bare);
  const bareJob = await measure(`http://127.0.0.1:${bare.port}/job`);
  await bare.stop();
  instances.length = 0;
  const pglite = withPglite ? await pgliteReads() : [];
  const slowdown = smallReads.labelled.rps / largeReads.labelled.rps;
  const filterCost = largeReads.page.rps / largeReads.labelled.rps;
  const unmatchedSlowdown = smallReads.unmatched.rps / largeReads.unmatched.rps;
  const rows: Row[] = [
    ...readRows('100 jobs', smallReads),
    ...readRows('100,000 jobs', largeReads),
    {
      scenario: 'label=team:t7 page, 100,000 vs 100 jobs',
      metric: 'slowdown',
      measured: `${slowdown.toFixed(2)}× (${rps(smallReads.labelled.rps)} → ${rps(largeReads.labelled.rps)}; 2 vs 50 jobs a page)`,
      goal: '≤ 1.5×',
      met: slowdown <= 1.5,
    },
    {
      scenario: 'label=team:t7 page vs the first page, both 100,000 jobs and 50 a page',
      metric: 'slowdown',
      measured: `${filterCost.toFixed(2)}×`,
      goal: '',
    },
    {
      scenario: 'label filter matching no job, 100,000 vs 100 jobs',
      metric: 'slowdown',
      measured: `${unmatchedSlowdown.toFixed(2)}× (${rps(smallReads.unmatched.rps)} → ${rps(largeReads.unmatched.rps)})`,
      goal: '≤ 1.5×',
      met: unmatchedSlowdown <= 1.5,
    },
    {
      scenario: 'bare Hono route, the same JSON as GET /api/v1/jobs/:id',
      metric: 'throughput; latency',
      measured: `${rps(bareJob.rps)}; ${latencies(bareJob)}`,
      goal: 'the floor',
    },
    ...pglite,
  ];
  printTable(
    `API reads, ${connections} connections, ${seconds} s each after ${warmupSeconds} s of warm-up; ${machine(load)}; ` +
      `${instanceSettings}; 1-minute load average at the end ${loadavg()[0]!.toFixed(2)}`,
    rows,
  );
}

try {
  await main();
} finally {
  for (const instance of instances) await instance.stop();
  for (const drop of drops) await drop().catch((error: unknown) => note(`could not drop a scratch database: ${String(error)}`));
  await rm(dir, { recursive: true, force: true });
}
