/** The jobs and schedules of bench/scheduler.ts: created through the use cases of a container built by the benchmark. */
import type { Sql } from 'postgres';
import { RETRY_DEFAULTS } from '../domain/entities/retry-policy.js';
import { SCHEDULE_DEFAULTS } from '../domain/entities/schedule.js';
import type { AuditContext } from '../domain/entities/audit.js';
import type { JobDefinitions } from '../domain/ports/input/job-definitions.js';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { buildContainer } from '../infrastructure/container.js';
import { TOKENS } from '../infrastructure/tokens.js';
import { note } from './report.js';

/** How many jobs are created at once: enough to keep the container's 10 connections busy. */
const CREATE_CONCURRENCY = 16;
/** Longest wait for the start-up burst to clear before a window opens. */
const CATCH_UP_MS = 15_000;

/** The container the benchmark builds to reach the use cases. */
type Container = Awaited<ReturnType<typeof buildContainer>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

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
export async function createScheduledJobs(
  setup: Container,
  jarSha256: string,
  { prefix, count, cronOf }: { prefix: string; count: number; cronOf: (i: number) => string },
): Promise<string[]> {
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

/** Stops these schedules firing in later scenarios (the runs stay, for the record). */
export async function removeSchedules(sql: Sql, jobIds: string[]): Promise<void> {
  await sql`delete from job_schedules where job_id = any(${jobIds}::uuid[])`;
}
