/** The `lag` scenario of bench/webhook-lag.ts: how late webhook deliveries arrive under a steady load. */
import { DatabaseCpu } from './database-cpu.js';
import { databaseRoundTrips, loopbackPosts } from './floors.js';
import { watchUsage } from './instances.js';
import { mib, ms, note, percentile, type Row } from './report.js';
import type { BenchReceiver } from './webhook-receiver.js';
import { notReceived, runEventsBetween, startRig, type Rig, type StoredEvent } from './webhook-rig.js';

export interface LagSettings {
  jobs: number;
  warmUpMs: number;
  seconds: number;
  /** See RigOptions.oldEvents. */
  oldEvents: number;
  nodeArgs: string[];
}

/** The goal for the 99th percentile of the event lag. */
const GOAL_P99_MS = 500;
/** How many bare POSTs and `select 1` make a floor. */
const FLOOR_CALLS = 200;
/** How long after the window its last events may take to arrive before the missing ones are counted. */
const SETTLE_LIMIT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function lagScenario(settings: LagSettings): Promise<Row[]> {
  const aged = settings.oldEvents ? `, ${settings.oldEvents} older events` : '';
  const scenario = `lag: ${settings.jobs} jobs x "* * * * * *" (overlap allow), ${settings.seconds} s${aged}`;
  const rig = await startRig({ name: 'lag', jobs: settings.jobs, oldEvents: settings.oldEvents, nodeArgs: settings.nodeArgs });
  const databaseCpu = new DatabaseCpu(rig.sql);
  try {
    await sleep(rig.loadSince + settings.warmUpMs - Date.now());
    await databaseCpu.start();
    const from = Date.now();
    const to = from + settings.seconds * 1000;
    note(`lag: window open for ${settings.seconds} s`);
    const usage = watchUsage([rig.instance]);
    // Reading the metrics resets the event-loop delay histogram: the next reading covers the window.
    await rig.metrics();
    await sleep(to - Date.now());
    const { cpuPercent, peakRss } = usage();
    const loopDelay = await rig.metrics();
    const databaseSeconds = await databaseCpu.seconds();
    // The floors are taken under the same load, once the window has closed, so that they do not disturb it.
    const posts = await loopbackPosts(rig.receiver.url, rig.receiver.sampleBody ?? '{}', FLOOR_CALLS);
    const roundTrips = await databaseRoundTrips(rig.sql, FLOOR_CALLS);
    const stored = await settled(rig, from, to);
    const ofOneCore = (seconds: number) => `${((seconds / settings.seconds) * 100).toFixed(1)} %`;
    return [
      ...lagRows(scenario, rig.receiver, stored),
      await lagSplitRow(scenario, rig, from, to),
      { scenario, metric: `floor: bare loopback POST p50 / p99 (${FLOOR_CALLS} calls)`, measured: `${ms(percentile(posts, 0.5))} / ${ms(percentile(posts, 0.99))}`, goal: '' },
      { scenario, metric: `floor: PostgreSQL select 1 p50 / p99 (${FLOOR_CALLS} calls)`, measured: `${ms(percentile(roundTrips, 0.5))} / ${ms(percentile(roundTrips, 0.99))}`, goal: '' },
      {
        scenario,
        metric: 'instance event-loop delay p50 / p99 / max (10 ms sampling)',
        measured: ['p50', 'p99', 'max'].map((what) => ms((loopDelay.get(`nodejs_eventloop_lag_${what}_seconds`) ?? Number.NaN) * 1000)).join(' / '),
        goal: '',
      },
      { scenario, metric: 'instance CPU (% of one core)', measured: `${cpuPercent[0]!.toFixed(1)} %`, goal: '' },
      { scenario, metric: 'instance RSS idle / peak', measured: `${mib(rig.instance.idleRss)} / ${mib(peakRss[0]!)}`, goal: '' },
      { scenario, metric: 'PostgreSQL CPU for the instance (% of one core)', measured: databaseSeconds === undefined ? 'not readable' : ofOneCore(databaseSeconds), goal: '' },
    ];
  } finally {
    databaseCpu.stop();
    await rig.teardown();
  }
}

/** Waits until every run.* event of the window has arrived, or SETTLE_LIMIT_MS; resolves with those events. */
async function settled(rig: Rig, from: number, to: number): Promise<StoredEvent[]> {
  // An event's time is stamped just before its transaction commits: a moment later, all of the window's are in.
  await sleep(to + 2000 - Date.now());
  const stored = await runEventsBetween(rig, from, to);
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (notReceived(rig.receiver, stored).length > 0 && Date.now() < deadline) await sleep(250);
  return stored;
}

/**
 * Where the lag of the window's events went, from the service's own records (the first attempt's end and duration,
 * the delivery's creation): event time -> fanned out (a delivery row made), -> its first attempt began (claimed,
 * after the job's earlier events), -> that attempt ended (the POST). Each part's p50 and p99, in ms.
 */
async function lagSplitRow(scenario: string, rig: Rig, from: number, to: number): Promise<Row> {
  const parts = await rig.sql<{ fanned: number; claimed: number; sent: number }[]>`
    select extract(epoch from d.created_at - e.time)::float8 * 1000 as fanned,
           extract(epoch from (d.attempts->0->>'at')::timestamptz - d.created_at)::float8 * 1000
             - (d.attempts->0->>'durationMs')::float8 as claimed,
           (d.attempts->0->>'durationMs')::float8 as sent
    from events e join webhook_deliveries d on d.event_id = e.id
    where e.type like 'run.%' and e.time >= ${new Date(from)} and e.time < ${new Date(to)} and d.attempt_count > 0`;
  const of = (part: 'fanned' | 'claimed' | 'sent') => {
    const sorted = parts.map((row) => row[part]).sort((a, b) => a - b);
    return `${percentile(sorted, 0.5).toFixed(0)}/${percentile(sorted, 0.99).toFixed(0)}`;
  };
  return {
    scenario,
    metric: 'lag split p50/p99 (ms): to fan-out, to claim, POST',
    measured: `${of('fanned')}, ${of('claimed')}, ${of('sent')}`,
    goal: '',
  };
}

function lagRows(scenario: string, receiver: BenchReceiver, stored: StoredEvent[]): Row[] {
  const lags: number[] = [];
  const byType = new Map<string, number[]>();
  for (const event of stored) {
    const receipt = receiver.receipts.get(event.id);
    if (!receipt) continue;
    const lag = receipt.firstAt - receipt.eventTime;
    lags.push(lag);
    byType.set(event.type, [...(byType.get(event.type) ?? []), lag]);
  }
  lags.sort((a, b) => a - b);
  const missing = stored.length - lags.length;
  const duplicates = receiver.duplicates();
  const p99 = percentile(lags, 0.99);
  const typeP99 = [...byType]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, values]) => `${type.slice(4)} ${percentile(values.sort((a, b) => a - b), 0.99).toFixed(0)}`);
  note(`lag: ${stored.length} run.* events stored in the window, ${lags.length} received`);
  return [
    { scenario, metric: 'run.* events stored in the window, missing', measured: `${stored.length}, ${missing}`, goal: '0 missing', met: missing === 0 },
    { scenario, metric: 'events received 2xx more than once', measured: `${duplicates}`, goal: '0', met: duplicates === 0 },
    { scenario, metric: 'event lag p50', measured: ms(percentile(lags, 0.5)), goal: '' },
    { scenario, metric: 'event lag p99', measured: ms(p99), goal: `<= ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS },
    { scenario, metric: 'event lag max', measured: ms(lags[lags.length - 1] ?? Number.NaN), goal: '' },
    { scenario, metric: 'event lag p99 / goal', measured: `${(p99 / GOAL_P99_MS).toFixed(2)}`, goal: '<= 1' },
    { scenario, metric: 'event lag p99 by type (ms)', measured: typeP99.join(', '), goal: '' },
  ];
}
