/**
 * Webhook delivery: how late events reach a receiver under a steady load, and what a long receiver outage costs.
 * Flink is replaced by the no-op port (runs are accepted at once and report FINISHED at their first follow-up), so
 * what is measured is the outbox, the delivery worker and the database.
 *
 *   npx tsx bench/webhook-lag.ts                      # both scenarios, about 20 minutes (the drain varies)
 *   BENCH_SCENARIOS=lag,outage                        # any subset, comma-separated
 *   BENCH_SECONDS=60                                  # measured window of `lag`
 *   BENCH_DOWN_SECONDS=600                            # how long the receiver is down in `outage`
 *   BENCH_OLD_EVENTS=100000                           # events of a day before, stored first (default 0)
 *   TEST_DATABASE_URL=postgres://...                  # the server the scratch databases are made on
 *   BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"   # extra node arguments for the instance
 *   BENCH_INSTANCE_NODE_OPTIONS=""                              # the instances' NODE_OPTIONS; default: the Dockerfile's (its heap cap)
 *
 * Each scenario has a scratch PostgreSQL database, ONE instance (bench/scheduler-instance.ts, compiled, in a
 * process of its own: see bench/instances.ts) with LOG_LEVEL=warn, and a receiver in this process (node:http on
 * 127.0.0.1, answering 200; the instance's WEBHOOK_ALLOWED_HOSTS is its host:port). Through the instance's API (no
 * API keys, so no credentials) a webhook for `run.*` is created, then 17 jobs with the schedule `* * * * * *` and
 * overlap policy `allow`: about 1,020 runs a minute, each making run.queued, run.started and run.succeeded, about
 * 51 events a second. The first 10 s of load are left out (warm-up). With BENCH_OLD_EVENTS, that many events of a
 * day before (delivered long since) are stored before the webhook is made: the events table of a service some
 * time into its retention, which the delivery queue's statements also read.
 *
 * lag:    for BENCH_SECONDS. Event lag is the receipt time of an event's first delivery minus the CloudEvent `time`
 *         in its body: the time of the status change, stamped just before its transaction commits, so the lag is
 *         slightly overstated. Every run.* event stored with a `time` in the window must arrive (missing), and no
 *         event may be answered 2xx twice. Goal: p99 <= 500 ms. Beside it, under the same load once the window has
 *         closed, the floors: a bare loopback POST of a delivered body to the same receiver (a new connection
 *         each, as the sender makes; 200 calls) and one PostgreSQL round trip (`select 1`, 200 calls). The lag is
 *         also split by the service's own records: event time -> delivery row made (fan-out, at the worker's next
 *         round: WEBHOOK_POLL_INTERVAL_MS) -> first attempt began (claimed, after the job's earlier events) -> ended.
 * outage: the receiver's port is closed (connections refused) for BENCH_DOWN_SECONDS, then opened again. The
 *         instance runs with WEBHOOK_RETRY_SCHEDULE=5s,30s,1m x 12, so no delivery goes dead within 10 minutes and
 *         delivery resumes within about a minute of the receiver's return. The instance's RSS is sampled every
 *         second; at 0, 25, 50, 75 and 100 % of the outage its RSS, its V8 heap in use (GET /metrics) and the
 *         deliveries waiting (pending or failed) are reported: the backlog grows (about 30,000 in 10 minutes), the
 *         memory should not (goal: RSS at the end at most 16 MiB above the start; a queue in memory would hold a
 *         CloudEvent of about 1 KiB per waiting delivery). Then the drain: the time from the receiver's return
 *         until no event from before it is left undelivered (later ones keep coming at the load's pace), the
 *         deliveries a second, the peak RSS meanwhile, and that every run.* event from before the return arrived
 *         exactly once.
 *
 * CPU is user + system from /proc, of the instance, and of the PostgreSQL server processes serving its
 * connections (bench/database-cpu.ts: the database's work for the instance, which the instance's CPU does not show).
 */
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { TEST_DATABASE_URL } from '../scripts/scratch-database.js';
import { compileInstance, instanceSettings } from './instances.js';
import { machine, note, printTable, type Row } from './report.js';
import { lagScenario } from './webhook-scenario-lag.js';
import { outageScenario } from './webhook-scenario-outage.js';
import { tearDownAll } from './webhook-rig.js';

const SCENARIOS = ['lag', 'outage'] as const;
type Scenario = (typeof SCENARIOS)[number];

const chosen = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(',')).split(',').map((name) => name.trim());
for (const name of chosen) {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown '${name}', expected ${SCENARIOS.join(', ')}`);
}
const common = {
  jobs: 17,
  warmUpMs: 10_000,
  oldEvents: Number(process.env.BENCH_OLD_EVENTS ?? 0),
  nodeArgs: (process.env.BENCH_INSTANCE_NODE_ARGS ?? '').split(' ').filter(Boolean),
};
const run: Record<Scenario, () => Promise<Row[]>> = {
  lag: () => lagScenario({ ...common, seconds: Number(process.env.BENCH_SECONDS ?? 60) }),
  outage: () => outageScenario({ ...common, downSeconds: Number(process.env.BENCH_DOWN_SECONDS ?? 600) }),
};

// Interrupted: the instances are stopped and the scratch databases dropped before leaving (30 s at most).
process.once('SIGINT', () => {
  note('interrupted: tearing down');
  setTimeout(() => process.exit(130), 30_000).unref();
  void tearDownAll().finally(() => process.exit(130));
});

const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
const version = (await admin<{ server_version: string }[]>`show server_version`)[0]!.server_version;
await admin.end({ timeout: 5 });
const load = loadavg()[0]!.toFixed(2);
const rows: Row[] = [];
try {
  await compileInstance();
  for (const name of chosen as Scenario[]) rows.push(...(await run[name]()));
} finally {
  // After a failure, what the scenarios before it measured.
  if (rows.length > 0) printTable(`Webhook delivery, PostgreSQL ${version}, ${machine(load)}; ${instanceSettings}`, rows);
}
