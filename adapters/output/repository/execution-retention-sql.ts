import { sql, type SQL } from 'drizzle-orm';
import { TERMINAL_STATUSES } from '../../../domain/entities/execution-status.js';
import type { RemovableRuns } from '../../../domain/entities/execution-retention.js';

/** Statements of the execution retention; each reads runs as `e`. See domain/entities/execution-retention.ts. */

const finished = sql`e.status in (${sql.join(TERMINAL_STATUSES.map((status) => sql`${status}`), sql`, `)})`;

/** A run of a later (created_at, id) of the same job, matching `also`. */
const newerRun = (also: SQL) => sql`exists (
  select 1 from job_executions n
  where n.job_id = e.job_id and (n.created_at, n.id) > (e.created_at, e.id) and ${also})`;

/** Whether the newest savepoint of e's job is another run's, in the order `latestSavepoint` reads them. */
const newerSavepoint = sql`exists (
  select 1 from job_executions n
  where n.job_id = e.job_id and n.savepoint_path is not null
    and (coalesce(n.ended_at, 'infinity'), n.created_at, n.id) > (coalesce(e.ended_at, 'infinity'), e.created_at, e.id))`;

/** Run e may go: finished, and not one its live job keeps (its newest, newest not SKIPPED, newest savepoint). */
export const removable = sql`${finished} and not (
  exists (select 1 from jobs j where j.id = e.job_id and j.deleted_at is null) and (
    not ${newerRun(sql`true`)}
    or (e.status <> 'SKIPPED' and not ${newerRun(sql`n.status <> 'SKIPPED'`)})
    or (e.savepoint_path is not null and not ${newerSavepoint})
  ))`;

/** The runs a purge names (`e` removable, created before, of the job). */
export function namedBy(runs: RemovableRuns): SQL {
  const ofJob = runs.jobId ? sql`and e.job_id = ${runs.jobId}` : sql``;
  return sql`e.created_at < ${runs.before.toISOString()}::timestamptz ${ofJob} and ${removable}`;
}

/**
 * Looks at the `limit` oldest runs created before `before` and after `after` (in (created_at, id) order: a walk
 * down the created_at index that stops at `limit`, whatever the table holds) and removes those that may go.
 * Selects `n`, how many, and `last_at`/`last_id`, the last run looked at, or nulls when fewer than `limit` were left.
 */
export function removeOlderRuns(before: Date, limit: number, after: { createdAt: Date; id: string } | null): SQL {
  const from = after ? sql`and (created_at, id) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : sql``;
  return sql`
    with looked as materialized (
      select id, created_at from job_executions
      where created_at < ${before.toISOString()}::timestamptz ${from}
      order by created_at, id limit ${limit}
    ), doomed as (
      select e.id from job_executions e where e.id in (select id from looked) and ${removable}
      for update of e skip locked
    ), removed as (delete from job_executions where id in (select id from doomed) returning 1)
    select (select count(*) from removed)::int as n, last.created_at as last_at, last.id as last_id
    from (select 1) one left join (
      select created_at, id from looked order by created_at desc, id desc limit 1
    ) last on (select count(*) from looked) = ${limit}`;
}

/**
 * For up to `jobs` jobs after `afterJobId` in id order: removes up to `limit` removable runs past each job's newest
 * `keep` (found by skipping `keep` entries of the job's newest-first index). Selects `n`, how many, and `last`, the
 * last job looked at, or null when fewer than `jobs` were left.
 */
export function removeRunsPastCount(keep: number, limit: number, afterJobId: string, jobs: number): SQL {
  return sql`
    with chunk as (
      select id from jobs where id > ${afterJobId}::uuid order by id limit ${jobs}
    ), cut as (
      select c.id as job_id, x.created_at, x.id from chunk c cross join lateral (
        select created_at, id from job_executions where job_id = c.id order by created_at desc, id desc offset ${keep} limit 1
      ) x
    ), doomed as (
      select e.id from cut join job_executions e on e.job_id = cut.job_id and (e.created_at, e.id) <= (cut.created_at, cut.id)
      where ${removable}
      limit ${limit}
      for update of e skip locked
    ), removed as (delete from job_executions where id in (select id from doomed) returning 1)
    select (select count(*) from removed)::int as n,
      case when (select count(*) from chunk) < ${jobs} then null else (select id from chunk order by id desc limit 1) end as last`;
}

/** Removes up to `limit` jobs deleted before `before` that have no run left; selects `n`, how many. */
export function removeEmptiedDeletedJobs(before: Date, limit: number): SQL {
  return sql`
    with gone as (
      select j.id from jobs j
      where j.deleted_at < ${before.toISOString()}::timestamptz
        and not exists (select 1 from job_executions e where e.job_id = j.id)
      order by j.deleted_at limit ${limit}
      for update of j skip locked
    ), removed as (delete from jobs where id in (select id from gone) returning 1)
    select count(*)::int as n from removed`;
}

/** Takes the sweep for this transaction, if no other replica holds it; selects `taken`. */
export const takeSweep = sql`select pg_try_advisory_xact_lock(4702, 1) as taken`;
