/**
 * Start-up time and idle memory of the service, started as users start it (`node dist/cmd/server.js` after a build,
 * and `npm start`): from the spawn of the process to the first `/readyz` 200, and the resident memory (RSS, from
 * /proc) once it has been idle for SETTLE_S seconds. On embedded PGlite after a first start (an empty DATA_DIR),
 * after a restart, and after a restart with JOBS jobs (created over HTTP); on PostgreSQL for comparison. The floor
 * beside them: a bare Node HTTP server from spawn to its first answer.
 *
 *   npm run build && npx tsx bench/startup.ts       # JOBS=10000 SETTLE_S=10 RESTARTS=3
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { machine, MIB, mib, note, printTable, type Row } from './report.js';

const jobs = Number(process.env.JOBS ?? 10_000);
const settleMs = Number(process.env.SETTLE_S ?? 10) * 1000;
const restarts = Number(process.env.RESTARTS ?? 3);
const RSS_GOAL = 200 * MIB;
const READY_GOAL_MS = 2000;

if (!existsSync('dist/cmd/server.js')) throw new Error('run npm run build first');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** CPU time (user + system, all threads) a process has used so far, in ms: what its start costs whatever the load. */
const cpuMsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface Started {
  child: ChildProcess;
  url: string;
  readyMs: number;
  cpuMs: number;
}

let nextPort = Number(process.env.BENCH_PORT ?? 18190);

/** Spawns `command` (in a process group of its own, so that npm and its node child stop together) and waits for /readyz. */
async function start(command: string[], env: Record<string, string>, path = '/readyz'): Promise<Started> {
  const port = nextPort++;
  const url = `http://127.0.0.1:${port}`;
  const began = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
    if (await fetch(url + path).then((response) => response.ok, () => false)) break;
    await sleep(10);
  }
  return { child, url, readyMs: performance.now() - began, cpuMs: cpuMsOf(child.pid!) };
}

async function stop({ child }: Started): Promise<void> {
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** Starts the built service, waits until ready and SETTLE_S idle, and stops it again. */
async function measure(env: Record<string, string>): Promise<{ readyMs: number; cpuMs: number; rss: number; service: Started }> {
  const service = await start([process.execPath, 'dist/cmd/server.js'], env);
  await sleep(settleMs);
  const rss = rssOf(service.child.pid!);
  return { readyMs: service.readyMs, cpuMs: service.cpuMs, rss, service };
}

async function createJobs(url: string, count: number): Promise<void> {
  let next = 0;
  const createSome = async () => {
    for (let i = next++; i < count; i = next++) {
      const response = await fetch(`${url}/api/v1/jobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `startup-${i}`, jarURL: '/jars/x.jar', entryClass: 'com.example.Main', labels: { team: `t${i % 50}` } }),
      });
      if (response.status !== 201) throw new Error(`creating a job: HTTP ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, createSome));
}

async function floorMs(): Promise<number> {
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;
  const times: number[] = [];
  for (let i = 0; i < restarts; i++) {
    const bare = await start([process.execPath, '-e', script], {}, '/');
    times.push(bare.readyMs);
    await stop(bare);
  }
  return median(times);
}

/** Restarts the service on `env` RESTARTS times (the last also with `npm start`); medians of ready time and idle RSS. */
async function restartsOn(env: Record<string, string>, label: string, rows: Row[], withNpm: boolean) {
  const ready: number[] = [];
  const cpu: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < restarts; i++) {
    const run = await measure(env);
    ready.push(run.readyMs);
    cpu.push(run.cpuMs);
    rss.push(run.rss);
    await stop(run.service);
  }
  rows.push({ scenario: label, metric: 'spawn to /readyz 200 (median)', measured: seconds(median(ready)), goal: `about ${seconds(READY_GOAL_MS)}`, met: median(ready) <= READY_GOAL_MS * 1.1 });
  rows.push({ scenario: label, metric: 'CPU time used until ready (median)', measured: seconds(median(cpu)), goal: '' });
  rows.push({ scenario: label, metric: 'idle RSS (median)', measured: mib(median(rss)), goal: `≤ ${mib(RSS_GOAL)}`, met: median(rss) <= RSS_GOAL });
  if (!withNpm) return;
  const npm = await start(['npm', 'start'], env);
  rows.push({ scenario: label, metric: '`npm start` (build current) to /readyz 200', measured: seconds(npm.readyMs), goal: 'the same + the build check' });
  await stop(npm);
}

async function main(): Promise<void> {
  const load = loadavg()[0]!.toFixed(2);
  const dir = await mkdtemp(join(tmpdir(), 'fjs-startup-'));
  const rows: Row[] = [];
  const pglite = { DATA_DIR: join(dir, 'data') };
  try {
    rows.push({ scenario: 'bare Node HTTP server', metric: 'spawn to first 200 (median)', measured: seconds(await floorMs()), goal: 'floor' });
    note('PGlite: first start');
    const first = await measure(pglite);
    rows.push({ scenario: 'PGlite, first start', metric: 'spawn to /readyz 200', measured: seconds(first.readyMs), goal: '' });
    rows.push({ scenario: 'PGlite, first start', metric: 'CPU time used until ready', measured: seconds(first.cpuMs), goal: '' });
    rows.push({ scenario: 'PGlite, first start', metric: 'idle RSS', measured: mib(first.rss), goal: `≤ ${mib(RSS_GOAL)}`, met: first.rss <= RSS_GOAL });
    await stop(first.service);
    note('PGlite: restarts, no jobs');
    await restartsOn(pglite, 'PGlite, restart, no jobs', rows, false);
    note(`PGlite: creating ${jobs} jobs`);
    const seeding = await start([process.execPath, 'dist/cmd/server.js'], pglite);
    await createJobs(seeding.url, jobs);
    await stop(seeding);
    note(`PGlite: restarts with ${jobs} jobs`);
    await restartsOn(pglite, `PGlite, restart, ${jobs.toLocaleString('en-US')} jobs`, rows, true);
    note('PostgreSQL');
    const scratch = await createScratchDatabase();
    try {
      await stop((await measure({ DATABASE_URL: scratch.url })).service); // migrates
      await restartsOn({ DATABASE_URL: scratch.url }, 'PostgreSQL, restart, no jobs', rows, false);
    } finally {
      await scratch.drop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(`Start-up and idle memory (${machine(load)})`, rows);
}

await main();
