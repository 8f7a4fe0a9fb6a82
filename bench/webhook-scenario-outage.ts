/**
 * The `outage` scenario of bench/webhook-lag.ts: the receiver refuses connections for a while under a steady
 * load, then comes back. What it shows: the instance's memory stays flat while the backlog grows (the backlog is
 * rows, not a queue in memory), and the backlog drains with every event delivered.
 */
import { DatabaseCpu } from './database-cpu.js';
import { processUsage, watchUsage } from './instances.js';
import { MIB, mib, note, type Row } from './report.js';
import { notReceived, runEventsBetween, startRig, type Rig } from './webhook-rig.js';

export interface OutageSettings {
  jobs: number;
  warmUpMs: number;
  downSeconds: number;
  /** See RigOptions.oldEvents. */
  oldEvents: number;
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
  /** V8's heap in use (live objects and garbage not collected yet), from the instance's metrics. */
  heapUsed: number;
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
 * The webhook's run.* events from before `until` not delivered yet: with a waiting delivery, or none fanned out
 * yet. The events after it keep coming at the load's pace and always have a few on their way.
 */
async function waitingBefore(rig: Rig, until: number): Promise<number> {
  const [row] = await rig.sql<{ n: number }[]>`
    select count(*)::int as n from events e
    where e.type like 'run.%' and e.time >= ${new Date(rig.webhookSince)} and e.time < ${new Date(until)}
      and (exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status in ('pending', 'failed'))
           or not exists (select 1 from webhook_deliveries d where d.event_id = e.id))`;
  return row!.n;
}

export async function outageScenario(settings: OutageSettings): Promise<Row[]> {
  const { downSeconds } = settings;
  const aged = settings.oldEvents ? `, ${settings.oldEvents} older events` : '';
  const scenario = `outage: ${settings.jobs} jobs x "* * * * * *", receiver down ${downSeconds} s${aged}`;
  const rig = await startRig({ name: 'outage', jobs: settings.jobs, oldEvents: settings.oldEvents, env: { WEBHOOK_RETRY_SCHEDULE: OUTAGE_RETRY_SCHEDULE }, nodeArgs: settings.nodeArgs });
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
      const heapUsed = (await rig.metrics()).get('nodejs_heap_size_used_bytes') ?? Number.NaN;
      marks.push({ rss, heapUsed, waiting: await waitingDeliveries(rig), databaseSeconds: await databaseCpu.seconds() });
      note(`outage: ${quarter * 25} %: RSS ${mib(rss)}, heap used ${mib(heapUsed)}, ${marks[quarter]!.waiting} deliveries waiting`);
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
    { scenario, metric: 'instance V8 heap used at 0/25/50/75/100 % (MiB)', measured: marks.map((mark) => (mark.heapUsed / MIB).toFixed(0)).join(', '), goal: '' },
    { scenario, metric: 'instance RSS peak during the outage', measured: mib(peakRss), goal: '' },
    { scenario, metric: 'instance RSS end - start of the outage', measured: `${Math.round(growth / MIB) + 0} MiB`, goal: '<= 16 MiB (flat)', met: growth <= 16 * MIB },
    { scenario, metric: 'PostgreSQL CPU for the instance per quarter', measured: quarterCpu.join(', '), goal: '' },
  ];
}

/** How the drain went: when it ended (undefined: not within the limit), and the instance's usage meanwhile. */
interface Drain {
  drainedAt: number | undefined;
  limitMs: number;
  cpuPercent: number;
  peakRss: number;
  peakHeapUsed: number;
}

/** Waits, checking every second, until no event from before `upAt` is left undelivered, or the limit has passed. */
async function drain(rig: Rig, upAt: number, downSeconds: number): Promise<Drain> {
  const limitMs = (2 * downSeconds + 120) * 1000;
  const usage = watchUsage([rig.instance]);
  let drainedAt: number | undefined;
  let peakHeapUsed = 0;
  while (drainedAt === undefined && Date.now() - upAt < limitMs) {
    await sleep(1000);
    peakHeapUsed = Math.max(peakHeapUsed, (await rig.metrics()).get('nodejs_heap_size_used_bytes') ?? 0);
    if ((await waitingBefore(rig, upAt)) === 0) drainedAt = Date.now();
  }
  const { cpuPercent, peakRss } = usage();
  return { drainedAt, limitMs, cpuPercent: cpuPercent[0]!, peakRss: peakRss[0]!, peakHeapUsed };
}

/** Waits for the backlog to drain after the receiver is back; rows of how long it took and what arrived. */
async function drainRows(scenario: string, rig: Rig, upAt: number, downSeconds: number): Promise<Row[]> {
  const { drainedAt, limitMs, cpuPercent, peakRss, peakHeapUsed } = await drain(rig, upAt, downSeconds);
  const end = drainedAt ?? Date.now();
  const firstAfter = rig.receiver.firstSince(upAt);
  const rate = rig.receiver.arrivedBetween(upAt, end) / ((end - (firstAfter ?? upAt)) / 1000);
  const stored = await runEventsBetween(rig, rig.webhookSince, upAt);
  const missing = notReceived(rig.receiver, stored).length;
  const duplicates = rig.receiver.duplicates();
  const dead = (await rig.sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where status = 'dead'`)[0]!.n;
  const took = drainedAt === undefined ? `not within ${limitMs / 1000} s` : `${((drainedAt - upAt) / 1000).toFixed(0)} s`;
  note(`outage: drained in ${took}; ${stored.length} run.* events before the return, ${missing} missing`);
  return [
    { scenario, metric: 'receiver back -> first delivery', measured: firstAfter === undefined ? 'none' : `${((firstAfter - upAt) / 1000).toFixed(1)} s`, goal: '<= 72 s (1 m + 20 %)', met: firstAfter !== undefined && firstAfter - upAt <= 72_000 },
    { scenario, metric: 'drain: receiver back -> no earlier event waiting', measured: took, goal: '' },
    { scenario, metric: 'drain: deliveries a second from the first on (load adds ~51)', measured: rate.toFixed(0), goal: '' },
    { scenario, metric: 'instance RSS / V8 heap used peak, CPU during the drain', measured: `${mib(peakRss)} / ${mib(peakHeapUsed)}, ${cpuPercent.toFixed(0)} %`, goal: '' },
    { scenario, metric: 'run.* events before the return, missing', measured: `${stored.length}, ${missing}`, goal: '0 missing', met: missing === 0 },
    { scenario, metric: 'events received 2xx more than once / dead deliveries', measured: `${duplicates} / ${dead}`, goal: '0 / 0', met: duplicates === 0 && dead === 0 },
  ];
}
