/**
 * The jobs bench/api.ts reads, written straight into a migrated PostgreSQL database: `count` jobs named
 * `job-000001`, ... with labels `team: t<i % 50>` (so `team:t7` is 2 % of them) and `tier`, each with one finished
 * run and, every tenth, a SKIPPED run after it; every tenth job has a daily schedule. The first job (the one
 * GET /api/v1/jobs/:id and its run pages read) has a schedule and a history of FIRST_JOB_RUNS runs besides: so its
 * newest-run lookup and its pages are measured against a job with history, not against one row.
 */
import type { Sql } from 'postgres';

/** Runs of the first job, one every 10 minutes back from an hour ago: most SUCCEEDED, every 7th FAILED, every 13th STOPPED. */
export const FIRST_JOB_RUNS = 1_000;

export async function seedJobs(sql: Sql, count: number): Promise<{ firstJobId: string }> {
  await sql`
    insert into jobs (id, name, jar_url, entry_class, labels, version, created_at, updated_at)
    select gen_random_uuid(), 'job-' || lpad(i::text, 6, '0'), 'http://127.0.0.1:9/jars/bench.jar', 'com.example.Main',
           jsonb_build_object('team', 't' || (i % 50), 'tier', case when i % 2 = 0 then 'gold' else 'silver' end),
           1, now(), now()
    from generate_series(1, ${count}::int) as i`;
  await sql`
    insert into job_executions (id, job_id, trigger, attempt, status, exclusive, flink_job_id, history, created_at,
                                started_at, ended_at)
    select gen_random_uuid(), id, 'manual', 1, 'SUCCEEDED', true, replace(gen_random_uuid()::text, '-', ''), '[]',
           now() - interval '1 hour', now() - interval '59 minutes', now() - interval '30 minutes'
    from jobs`;
  await sql`
    insert into job_executions (id, job_id, trigger, attempt, status, exclusive, flink_job_id, history, created_at)
    select gen_random_uuid(), id, 'schedule', 1, 'SKIPPED', false, replace(gen_random_uuid()::text, '-', ''), '[]',
           now() - interval '1 minute'
    from jobs where right(name, 1) = '1'`;
  await sql`
    insert into job_executions (id, job_id, trigger, attempt, status, exclusive, flink_job_id, history, error,
                                created_at, started_at, ended_at)
    select gen_random_uuid(), jobs.id, case when i % 3 = 0 then 'manual' else 'schedule' end, 1, run.status, true,
           replace(gen_random_uuid()::text, '-', ''),
           jsonb_build_array(jsonb_build_object('status', 'PENDING', 'at', run.created_at),
                             jsonb_build_object('status', 'RUNNING', 'at', run.created_at + interval '20 seconds'),
                             jsonb_build_object('status', run.status, 'at', run.created_at + interval '5 minutes')),
           case when run.status = 'FAILED' then '{"code": "FLINK_JOB_FAILED", "message": "the job failed on Flink"}'::jsonb end,
           run.created_at, run.created_at + interval '20 seconds', run.created_at + interval '5 minutes'
    from jobs,
         generate_series(1, ${FIRST_JOB_RUNS}::int) as i,
         lateral (select now() - interval '1 hour' - i * interval '10 minutes' as created_at,
                         case when i % 7 = 0 then 'FAILED' when i % 13 = 0 then 'STOPPED' else 'SUCCEEDED' end as status) as run
    where jobs.name = 'job-000001'`;
  await sql`
    insert into job_schedules (job_id, cron, timezone, overlap_policy, catchup_window_seconds, jitter_seconds, paused,
                               next_fire_at, next_due_at, created_at, updated_at, version)
    select id, '0 0 * * *', 'UTC', 'skip', 60, 0, false, date_trunc('day', now()) + interval '1 day',
           date_trunc('day', now()) + interval '1 day', now(), now(), 1
    from jobs where right(name, 1) = '1'`;
  await sql`analyze`;
  const [first] = await sql<{ id: string }[]>`select id from jobs where name = 'job-000001'`;
  return { firstJobId: first!.id };
}
