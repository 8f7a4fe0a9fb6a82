import { and, asc, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { Job } from '../../../domain/entities/job.js';
import type { Schedule } from '../../../domain/entities/schedule.js';
import { RETRY_DEFAULTS } from '../../../domain/entities/retry-policy.js';
import { JobNameTakenError } from '../../../domain/errors.js';
import type { JobQuery, JobRepository } from '../../../domain/ports/output/job-repository.js';
import type { AppDatabase } from './database.js';
import { translateStorageError, violatedUniqueConstraint, withStorageErrors } from './database-errors.js';
import { jobVersions } from './job-version-table.js';
import { rowsFromJson, type JsonRow } from './json-rows.js';
import { toSchedule } from './drizzle-schedule-repository.js';
import { jobSchedules, type ScheduleRow } from './schedule-table.js';
import { jobs, type JobRow } from './schema.js';

const live = isNull(jobs.deletedAt);

const jobFromJson = rowsFromJson<JobRow>(getTableColumns(jobs));
const scheduleFromJson = rowsFromJson<ScheduleRow>(getTableColumns(jobSchedules));

/** The listing order key, by name in byte order (see `jobs_live_name_id_idx`); keyset pagination compares against it. */
const jobNameOrder = sql`${jobs.name} collate "C"`;

/** Which of a listing's filters a query uses: listings with the same shape are the same statement. */
export function jobListShape(query: JobQuery): string {
  const labels = query.labels !== undefined && Object.keys(query.labels).length > 0;
  return `${query.after ? 'after' : ''}:${labels ? 'labels' : ''}:${query.namePrefix ? 'prefix' : ''}`;
}

/**
 * Which live jobs a listing of this shape finds, from where its page starts, with placeholders for the values
 * (`jobListValues`): the statement text depends on the shape only, so it can be prepared once.
 */
export function jobListFilter(shape: string): SQL | undefined {
  const conditions: SQL[] = [live];
  if (shape.includes('after')) {
    conditions.push(sql`(${jobNameOrder}, ${jobs.id}) > (${sql.placeholder('afterName')}, ${sql.placeholder('afterId')})`);
  }
  if (shape.includes('labels')) conditions.push(sql`${jobs.labels} @> ${sql.placeholder('labels')}::jsonb`);
  if (shape.includes('prefix')) conditions.push(sql`starts_with(${jobs.name}, ${sql.placeholder('namePrefix')})`);
  return and(...conditions);
}

/** The values of `jobListFilter`'s placeholders, and the page size. */
export function jobListValues(query: JobQuery): Record<string, unknown> {
  return {
    afterName: query.after?.name,
    afterId: query.after?.id,
    labels: JSON.stringify(query.labels ?? {}),
    namePrefix: query.namePrefix,
    limit: query.limit,
  };
}

/** Listings order by name, then id: the keyset their pages continue from. */
export const jobListOrder = [asc(jobNameOrder), asc(jobs.id)];

export class DrizzleJobRepository implements JobRepository {
  constructor(private readonly db: AppDatabase) {}

  async insert(job: Job): Promise<void> {
    try {
      await this.db.insert(jobs).values(toRow(job));
    } catch (error) {
      throw nameClashOr(error, job.name);
    }
  }

  /** Prepared at its first use, the job as one JSON value: every start and launch reads its job. */
  async findById(id: string): Promise<Job | undefined> {
    const statement = (this.byId ??= this.byIdStatement());
    return withStorageErrors(async () => {
      const [row] = await statement.execute({ id });
      return row && toJob(jobFromJson(row.job));
    });
  }

  private byId: ReturnType<DrizzleJobRepository['byIdStatement']> | undefined;

  private byIdStatement() {
    const job = sql<JsonRow>`to_json(${jobs})`;
    return this.db.select({ job }).from(jobs).where(and(eq(jobs.id, sql.placeholder('id')), live)).prepare('live_job_by_id');
  }

  async findMany(ids: string[]): Promise<Map<string, Job>> {
    if (ids.length === 0) return new Map();
    const statement = (this.byIds ??= this.byIdsStatement());
    return withStorageErrors(async () => {
      const rows = await statement.execute({ ids: `{${ids.join(',')}}` });
      return new Map(rows.map((row) => toJob(jobFromJson(row.job))).map((job) => [job.id, job]));
    });
  }

  private byIds: ReturnType<DrizzleJobRepository['byIdsStatement']> | undefined;

  /** One array parameter for any number of ids, joined as a relation (see `countBusyExecutions`). */
  private byIdsStatement() {
    const job = sql<JsonRow>`to_json(${jobs})`;
    const listed = sql`${jobs.id} in (select unnest(${sql.placeholder('ids')}::uuid[]))`;
    return this.db.select({ job }).from(jobs).where(and(listed, live)).prepare('live_jobs_by_ids');
  }

  /** Prepared at its first use, the job and its schedule (a left join) as two JSON values: every start reads both. */
  async findWithSchedule(id: string): Promise<{ job: Job; schedule: Schedule | null } | undefined> {
    const statement = (this.withSchedule ??= this.withScheduleStatement());
    return withStorageErrors(async () => {
      const [row] = await statement.execute({ id });
      return row && { job: toJob(jobFromJson(row.job)), schedule: row.schedule && toSchedule(scheduleFromJson(row.schedule)) };
    });
  }

  private withSchedule: ReturnType<DrizzleJobRepository['withScheduleStatement']> | undefined;

  private withScheduleStatement() {
    const columns = { job: sql<JsonRow>`to_json(${jobs})`, schedule: sql<JsonRow | null>`to_json(${jobSchedules})` };
    return this.db
      .select(columns)
      .from(jobs)
      .leftJoin(jobSchedules, eq(jobSchedules.jobId, jobs.id))
      .where(and(eq(jobs.id, sql.placeholder('id')), live))
      .prepare('live_job_with_schedule');
  }

  async everExisted(id: string): Promise<boolean> {
    // Prepared at its first use: it runs before every page of a job's runs.
    const statement = (this.existence ??= this.existenceStatement());
    return withStorageErrors(async () => (await statement.execute({ id })).length > 0);
  }

  private existence: ReturnType<DrizzleJobRepository['existenceStatement']> | undefined;

  private existenceStatement() {
    return this.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, sql.placeholder('id'))).prepare('job_ever_existed');
  }

  async list(query: JobQuery): Promise<Job[]> {
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobs)
        .where(jobListFilter(jobListShape(query)))
        .orderBy(...jobListOrder)
        .limit(sql.placeholder('limit'))
        .execute(jobListValues(query));
      return rows.map(toJob);
    });
  }

  async update(id: string, change: (current: Job) => Job): Promise<Job | undefined> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        // The row lock queues concurrent writers of the job: each reads what the one before it wrote.
        const [row] = await tx.select().from(jobs).where(and(eq(jobs.id, id), live)).for('update');
        if (!row) return undefined;
        const next = change(toJob(row));
        const { id: _id, createdAt: _createdAt, ...changes } = toRow(next);
        try {
          await tx.update(jobs).set(changes).where(eq(jobs.id, id));
        } catch (error) {
          throw nameClashOr(error, next.name);
        }
        return next;
      }),
    );
  }

  async remove(id: string, at: Date): Promise<boolean> {
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        const removed = await tx
          .update(jobs)
          .set({ deletedAt: at })
          .where(and(eq(jobs.id, id), live))
          .returning({ id: jobs.id });
        // A deleted job fires no more: its schedule goes with it, and so do the definitions it had.
        await tx.delete(jobSchedules).where(eq(jobSchedules.jobId, id));
        if (removed.length === 1) await tx.delete(jobVersions).where(eq(jobVersions.jobId, id));
        return removed.length === 1;
      }),
    );
  }
}

function nameClashOr(error: unknown, name: string): unknown {
  return violatedUniqueConstraint(error) === 'jobs_live_name_key'
    ? new JobNameTakenError(name, { cause: error })
    : translateStorageError(error);
}

function toRow(job: Job): typeof jobs.$inferInsert {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    jarUrl: job.jarURL,
    entryClass: job.entryClass,
    config: job.config,
    args: job.args,
    parallelism: job.parallelism,
    flinkConfiguration: job.flinkConfiguration,
    jarSha256: job.jarSha256,
    timeoutSeconds: job.timeoutSeconds,
    labels: job.labels,
    retryPolicy: job.retryPolicy,
    restore: job.restore ? { strategy: job.restore, allowNonRestoredState: job.allowNonRestoredState, claimMode: job.claimMode } : null,
    savepointPolicy: job.savepointPolicy,
    version: job.version,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    jarURL: row.jarUrl,
    entryClass: row.entryClass,
    config: row.config,
    args: row.args,
    parallelism: row.parallelism,
    flinkConfiguration: row.flinkConfiguration,
    jarSha256: row.jarSha256,
    timeoutSeconds: row.timeoutSeconds,
    labels: row.labels,
    retryPolicy: row.retryPolicy ?? { ...RETRY_DEFAULTS },
    restore: row.restore?.strategy ?? null,
    allowNonRestoredState: row.restore?.allowNonRestoredState ?? false,
    claimMode: row.restore?.claimMode ?? 'NO_CLAIM',
    savepointPolicy: row.savepointPolicy ?? null,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
