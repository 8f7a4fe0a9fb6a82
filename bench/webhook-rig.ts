/**
 * What each scenario of bench/webhook-lag.ts stands on: a scratch PostgreSQL database, a JAR served from loopback,
 * the receiver, ONE compiled instance (no-op Flink, LOG_LEVEL=warn, the receiver's host:port its only allowed
 * webhook host), a webhook for `run.*` and the jobs with their schedules, all created through the instance's API
 * (no API keys are configured, so no credentials). `teardown` undoes whatever was set up, also after a failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { startJarServer } from '../scripts/jar-server.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { BENCH_APPLICATION } from './database-cpu.js';
import { startInstance, type Instance } from './instances.js';
import { note } from './report.js';
import { BenchReceiver } from './webhook-receiver.js';

export interface RigOptions {
  /** Names the scenario in notes, job names and the instance's folder. */
  name: string;
  /** How many jobs get the schedule `* * * * * *` with overlap policy `allow`. */
  jobs: number;
  /**
   * Events from a day before, delivered long since, stored ahead of the load: the events table of a service some
   * time into its retention (EVENT_RETENTION_DAYS) rather than an empty one.
   */
  oldEvents?: number;
  /** Settings the instance gets beyond the usual ones, e.g. WEBHOOK_RETRY_SCHEDULE. */
  env?: Record<string, string>;
  nodeArgs?: string[];
}

export interface Rig {
  instance: Instance;
  receiver: BenchReceiver;
  /** The benchmark's own connection to the scratch database (two at most), named BENCH_APPLICATION. */
  sql: Sql;
  /** Just before the webhook was created, in epoch ms: the events it is to receive are from then on. */
  webhookSince: number;
  /** When the schedules were all set, in epoch ms. */
  loadSince: number;
  /** The instance's unlabelled metrics (GET /metrics), by name. */
  metrics(): Promise<Map<string, number>>;
  teardown(): Promise<void>;
}

export interface StoredEvent {
  id: string;
  type: string;
}

/** The run.* events whose `time` lies in [from, to). */
export function runEventsBetween(rig: Rig, from: number, to: number): Promise<StoredEvent[]> {
  return rig.sql<StoredEvent[]>`
    select id::text, type from events
    where type like 'run.%' and time >= ${new Date(from)} and time < ${new Date(to)}`;
}

/** The stored events the receiver has not answered 2xx yet. */
export function notReceived(receiver: BenchReceiver, stored: StoredEvent[]): StoredEvent[] {
  return stored.filter((event) => !receiver.receipts.has(event.id));
}

/** For each rig set up or being set up: what an interrupted run calls to undo it. */
const standing = new Set<() => Promise<void>>();

export async function tearDownAll(): Promise<void> {
  await Promise.all([...standing].map((undoRig) => undoRig()));
}

/** Sets a rig up; on a failure halfway, what was set up is undone before the error is passed on. */
export async function startRig(options: RigOptions): Promise<Rig> {
  const undo: Array<() => Promise<unknown>> = [];
  let tornDown: Promise<void> | undefined;
  const teardown = () =>
    (tornDown ??= (async () => {
      for (const step of undo.reverse()) await step().catch((error: unknown) => note(`${options.name}: teardown: ${String(error)}`));
      standing.delete(interrupted);
    })());
  const settingUp = setUp(options, undo);
  // A set-up still under way settles first (an instance killed by the interrupt fails it soon), so nothing it
  // makes afterwards is left behind.
  const interrupted = () => settingUp.then(teardown, teardown);
  standing.add(interrupted);
  try {
    return { ...(await settingUp), teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

async function setUp(options: RigOptions, undo: Array<() => Promise<unknown>>): Promise<Omit<Rig, 'teardown'>> {
  const scratch = await createScratchDatabase();
  undo.push(() => scratch.drop());
  const dir = await mkdtemp(join(tmpdir(), `fjs-bench-webhooks-${options.name}-`));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  const jarBytes = randomBytes(4096);
  await writeFile(join(dir, 'bench.jar'), jarBytes);
  const jars = await startJarServer(join(dir, 'bench.jar'));
  undo.push(() => jars.close());
  const receiver = await BenchReceiver.start();
  undo.push(() => receiver.down());
  const instance = await startInstance(options.name, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: scratch.url,
    DATA_DIR: join(dir, options.name),
    DATA_PROCESSOR_URL: jars.url,
    // Never called: the no-op port stands in for it.
    FLINK_JOBMANAGER_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOWED_HOSTS: receiver.origin,
    ...options.env,
  }, options.nodeArgs);
  undo.push(() => instance.stop());
  const sql = postgres(scratch.url, { max: 2, onnotice: () => {}, connection: { application_name: BENCH_APPLICATION } });
  undo.push(() => sql.end({ timeout: 5 }));

  if (options.oldEvents) await storeOldEvents(sql, options.oldEvents);
  const api = apiOf(instance.port);
  const webhookSince = Date.now();
  await api('/api/v1/webhooks', { url: receiver.url, eventTypes: ['run.*'], description: 'bench' });
  const jarSha256 = createHash('sha256').update(jarBytes).digest('hex');
  for (let i = 0; i < options.jobs; i++) {
    const job = (await api('/api/v1/jobs', {
      name: `${options.name}-${i}`,
      jarURL: '/jars/bench.jar',
      entryClass: 'com.example.Bench',
      jarSha256,
      labels: { bench: options.name },
    })) as { id: string };
    await api(`/api/v1/jobs/${job.id}/schedule`, { cron: '* * * * * *', overlapPolicy: 'allow' });
  }
  note(`${options.name}: instance up (pid ${instance.pid}), webhook for run.* and ${options.jobs} jobs every second`);
  return { instance, receiver, sql, webhookSince, loadSince: Date.now(), metrics: () => metricsOf(instance.port) };
}

/** Stores `count` run.succeeded events of a day before and waits until the dispatcher has passed them (no webhook yet). */
async function storeOldEvents(sql: Sql, count: number): Promise<void> {
  await sql`
    insert into events (type, subject, time, data)
    select 'run.succeeded', gen_random_uuid(), now() - interval '1 day' + g * interval '1 ms', '{"status": "SUCCEEDED"}'::jsonb
    from generate_series(1, ${count}) g`;
  await sql`analyze events`;
  for (let passed = false; !passed; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const [row] = await sql<{ passed: boolean }[]>`
      select (d.tx, d.seq) >= (e.tx, e.seq) as passed from webhook_dispatch d, (select tx, seq from events order by tx desc, seq desc limit 1) e`;
    passed = row!.passed;
  }
}

async function metricsOf(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics: ${response.status} ${text}`);
  const values = new Map<string, number>();
  for (const [, name, value] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/gm)) values.set(name!, Number(value));
  return values;
}

/** POSTs JSON to the instance's API; resolves with the answer's JSON, or fails with its status and body. */
function apiOf(port: number) {
  return async (path: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
}
