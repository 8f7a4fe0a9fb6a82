/**
 * The `outage` scenario of bench/webhook-lag.ts: the receiver refuses connections for a while under a steady
 * load, then comes back. What it shows: the instance's memory stays flat while the backlog grows (the backlog is
 * rows, not a queue in memory), and the backlog drains with every event delivered.
 */
import { DatabaseCpu } from './database-cpu.js';
import { processUsage, watchUsage } from './instances.js';
import { MIB, mib, note, type Row } from './report.js';
import { notReceived, runEventsBetween } from './webhook-scenario-lag.js';
import { startRig, type Rig } from './webhook-rig.js';

export interface OutageSettings {
  jobs: number;
  warmUpMs: number;
  downSeconds: number;
  nodeArgs: string[];
}

/**
 * 5 s + 30 s + 12 x 1 m = 12.6 minutes before a delivery is dead, at least 10 minutes with the ±20 % jitter: none
 * goes dead in a 10-minute outage, and every retry after the first two comes within 1 m (+20 %) of the one before,
 * so delivery resumes within about a minute of the receiver's return.
 */
export const OUTAGE_RETRY_SCHEDULE = '5s,30s,1m,1m,1m,1m,1m,1m,1m,1m,1m,1m,1m,1m';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The state at one mark of the outage. */
interface Mark {
  rss: number;
  waiting: number;
  /** PostgreSQL CPU seconds for the instance since the outage began. */
  databaseSeconds: number | undefined;
}

async function waitingDeliveries(rig: Rig): Promise<number> {
  const [row] = await rig.sql<{ n: number }[]>`
    select count(*)::int as n from webhook_deliveries where status in ('pending', 'failed')`;
  return row!.n;
}

/**
 * The run.* events from before `until` not delivered yet: with a waiting delivery, or none fanned out yet. The
 * events after it keep coming at the load's pace and always have a few on their way.
 */
async function waitingBefore(rig: Rig, until: number): Promise<number> {
  const [row] = await rig.sql<{ n: number }[]>`
    select count(*)::int as n from events e
    where e.type like 'run.%' and e.time < ${new Date(until)}
      and (exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status in ('pending', 'failed'))
           or not exists (select 1 from webhook_deliveries d where d.event_id = e.id))`;
  return row!.n;
}

export async function outageScenario(settings: OutageSettings): Promise<Row[]> {
  const { downSeconds } = settings;
  const scenario = `outage: ${settings.jobs} jobs x "* * * * * *", receiver down ${downSeconds} s`;
  const rig = await startRig({ name: 'outage', jobs: settings.jobs, env: { WEBHOOK_RETRY_SCHEDULE: OUTAGE_RETRY_SCHEDULE }, nodeArgs: settings.nodeArgs });
  const databaseCpu = new DatabaseCpu(rig.sql);
  try {
    await sleep(rig.loadSince + settings.warmUpMs - Date.now());
    await rig.receiver.down();
    await databaseCpu.start();
    const downAt = Date.now();
    note(`outage: receiver down for ${downSeconds} s (retries ${OUTAGE_RETRY_SCHEDULE})`);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, processUsage(rig.instance.pid).rss)), 1000);
    const marks: Mark[] = [];
    for (let quarter = 0; quarter <= 4; quarter++) {
      await sleep(downAt + (quarter * downSeconds * 1000) / 4 - Date.now());
      const rss = processUsage(rig.instance.pid).rss;
      peakRss = Math.max(peakRss, rss);
      marks.push({ rss, waiting: await waitingDeliveries(rig), databaseSeconds: await databaseCpu.seconds() });
      note(`outage: ${quarter * 25} %: RSS ${mib(rss)}, ${marks[quarter]!.waiting} deliveries waiting`);
    }
    clearInterval(sampler);
    const [eventRows] = await rig.sql<{ total: number; runs: number }[]>`
      select count(*)::int as total, count(*) filter (where type like 'run.%')::int as runs from events`;
    await rig.receiver.up();
    const upAt = Date.now();
    return [
      ...outageRows(scenario, marks, peakRss, downSeconds),
      { scenario, metric: 'event rows at the end of the outage (run.* / all)', measured: `${eventRows!.runs} / ${eventRows!.total}`, goal: '' },
      ...(await drainRows(scenario, rig, upAt, downSeconds)),
    ];
  } finally {
    databaseCpu.stop();
    await rig.teardown();
  }
}

function outageRows(scenario: string, marks: Mark[], peakRss: number, downSeconds: number): Row[] {
  const growth = marks[4]!.rss - marks[0]!.rss;
  const quarterCpu = marks.slice(1).map((mark, n) => {
    const [before, after] = [marks[n]!.databaseSeconds, mark.databaseSeconds];
    return before === undefined || after === undefined ? '-' : `${(((after - before) / (downSeconds / 4)) * 100).toFixed(0)} %`;
  });
  return [
    { scenario, metric: 'retry schedule (none dead within 10 min; resumes within ~1 min)', measured: OUTAGE_RETRY_SCHEDULE, goal: '' },
    { scenario, metric: 'deliveries waiting at 0/25/50/75/100 %', measured: marks.map((mark) => mark.waiting).join(', '), goal: '' },
    { scenario, metric: 'instance RSS at 0/25/50/75/100 % (MiB)', measured: marks.map((mark) => (mark.rss / MIB).toFixed(0)).join(', '), goal: '' },
    { scenario, metric: 'instance RSS peak during the outage', measured: mib(peakRss), goal: '' },
    { scenario, metric: 'instance RSS end - start of the outage', measured: mib(growth), goal: '<= 16 MiB (flat)', met: growth <= 16 * MIB },
    { scenario, metric: 'PostgreSQL CPU for the instance per quarter', measured: quarterCpu.join(', '), goal: '' },
  ];
}

/** Waits for the backlog to drain after the receiver is back; rows of how long it took and what arrived. */
async function drainRows(scenario: string, rig: Rig, upAt: number, downSeconds: number): Promise<Row[]> {
  const limitMs = (2 * downSeconds + 120) * 1000;
  const usage = watchUsage([rig.instance]);
  let drainedAt: number | undefined;
  for (let left = Infinity; Date.now() - upAt < limitMs; await sleep(1000)) {
    left = await waitingBefore(rig, upAt);
    if (left === 0) {
      drainedAt = Date.now();
      break;
    }
  }
  const { cpuPercent, peakRss } = usage();
  const firstAfter = rig.receiver.firstSince(upAt);
  const stored = await runEventsBetween(rig, 0, upAt);
  const missing = notReceived(rig.receiver, stored).length;
  const duplicates = rig.receiver.duplicates();
  const dead = (await rig.sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where status = 'dead'`)[0]!.n;
  const drain = drainedAt === undefined ? `not within ${limitMs / 1000} s` : `${((drainedAt - upAt) / 1000).toFixed(0)} s`;
  note(`outage: drained in ${drain}; ${stored.length} run.* events before the return, ${missing} missing`);
  return [
    { scenario, metric: 'receiver back -> first delivery', measured: firstAfter === undefined ? 'none' : `${((firstAfter - upAt) / 1000).toFixed(1)} s`, goal: '<= 72 s (1 m + 20 %)', met: firstAfter !== undefined && firstAfter - upAt <= 72_000 },
    { scenario, metric: 'drain: receiver back -> no earlier event waiting', measured: drain, goal: '' },
    { scenario, metric: 'instance RSS peak / CPU during the drain', measured: `${mib(peakRss[0]!)} / ${cpuPercent[0]!.toFixed(0)} %`, goal: '' },
    { scenario, metric: 'run.* events before the return, missing', measured: `${stored.length}, ${missing}`, goal: '0 missing', met: missing === 0 },
    { scenario, metric: 'events received 2xx more than once / dead deliveries', measured: `${duplicates} / ${dead}`, goal: '0 / 0', met: duplicates === 0 && dead === 0 },
  ];
}
