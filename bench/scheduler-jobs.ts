/**
 * The jobs and schedules of bench/scheduler.ts. 100,000 jobs created through the use cases (each with its audit row
 * and event) would take many minutes, so they are written straight into the tables, a few set-based statements per
 * 10,000; each schedule's first tick is computed with the service's own cron arithmetic, so the rows are what
 * `setSchedule` stores. The instances find them at their next poll (at most SCHEDULER_POLL_INTERVAL_MS later).
 */
import type { Sql } from 'postgres';
import { CronerCalculator } from '../adapters/output/cron/croner-calculator.js';
import { RETRY_DEFAULTS } from '../domain/entities/retry-policy.js';
import { SCHEDULE_DEFAULTS, nextFireTime } from '../domain/entities/schedule.js';
import { note } from './report.js';

/** Longest wait for the start-up burst to clear before a window opens. */
const CATCH_UP_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Rows per statement: a few MB of parameters each. */
const CHUNK = 10_000;

/** Creates `count` jobs, each with the schedule `cronOf(i)` (UTC, defaults otherwise); resolves with their ids in order. */
export async function createScheduledJobs(
  sql: Sql,
  jarSha256: string,
  { prefix, count, cronOf }: { prefix: string; count: number; cronOf: (i: number) => string },
): Promise<string[]> {
  const started = performance.now();
  const calculator = new CronerCalculator();
  const firstTick = new Map<string, string | null>();
  const ids: string[] = [];
  const run = `${prefix}-${Date.now()}`;
  for (let from = 0; from < count; from += CHUNK) {
    const now = new Date();
    const chunk = Array.from({ length: Math.min(CHUNK, count - from) }, (_, k) => from + k);
    const crons = chunk.map(cronOf);
    const ticks = crons.map((cron) => {
      if (!firstTick.has(cron)) {
        firstTick.set(cron, nextFireTime(calculator, { ...SCHEDULE_DEFAULTS, cron }, now)?.toISOString() ?? null);
      }
      return firstTick.get(cron)!;
    });
    const created = await sql<{ id: string }[]>`
      insert into jobs (id, name, jar_url, entry_class, jar_sha256, labels, retry_policy, version, created_at, updated_at)
      select gen_random_uuid(), ${run} || '-' || i, '/jars/bench.jar', 'com.example.Bench', ${jarSha256},
             ${sql.json({ bench: prefix })}, ${sql.json({ ...RETRY_DEFAULTS })}, 1, now(), now()
      from unnest(${chunk}::int[]) with ordinality as t(i, ord)
      order by ord
      returning id`;
    const chunkIds = created.map((row) => row.id);
    await sql`
      insert into job_schedules (job_id, cron, timezone, overlap_policy, catchup_window_seconds, jitter_seconds,
                                 paused, next_fire_at, next_due_at, created_at, updated_at, version)
      select s.job_id, s.cron, 'UTC', ${SCHEDULE_DEFAULTS.overlapPolicy}, ${SCHEDULE_DEFAULTS.catchupWindowSeconds}, 0,
             false, s.tick, s.tick, now(), now(), 1
      from unnest(${chunkIds}::uuid[], ${crons}::text[], ${ticks}::timestamptz[]) as s(job_id, cron, tick)`;
    ids.push(...chunkIds);
  }
  note(`${prefix}: ${count} jobs with schedules written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ids;
}

/**
 * Waits until none of these schedules has a tick due for more than half a second (the start-up burst is over), or
 * until `CATCH_UP_MS` have passed: an instance that cannot keep up never gets there, and the window shows it.
 */
export async function caughtUp(sql: Sql, label: string, jobIds: string[]): Promise<void> {
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

/**
 * Deletes these jobs, with their schedules and runs: a later scenario neither fires their ticks nor takes over and
 * launches their runs still active (the rows of a window are counted before this).
 */
export async function removeJobs(sql: Sql, jobIds: string[]): Promise<void> {
  await sql`delete from jobs where id = any(${jobIds}::uuid[])`;
}
