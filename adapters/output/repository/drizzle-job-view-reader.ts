import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { JobQuery } from '../../../domain/ports/output/job-repository.js';
import type { JobViewReader, StoredJobView } from '../../../domain/ports/output/job-view-reader.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { jobListFilter, jobListOrder, jobListShape, jobListValues, toJob } from './drizzle-job-repository.js';
import { toSchedule } from './drizzle-schedule-repository.js';
import { executionSummaryColumns, newestFirstOfJob, notSkipped } from './execution-rows.js';
import { jobSchedules } from './schedule-table.js';
import { jobExecutions, jobs } from './schema.js';

/**
 * Jobs with their newest execution that is not SKIPPED and their schedule, in one statement: a lateral subquery
 * takes the first row of the job's runs in `job_executions_job_newest_idx` order, the schedule is a left join.
 */
export class DrizzleJobViewReader implements JobViewReader {
  private readonly byId;
  private readonly listings = new Map<string, ReturnType<ReturnType<DrizzleJobViewReader['listingOf']>['prepare']>>();

  constructor(private readonly db: AppDatabase) {
    // Built once: the statement stays the same, only the id changes.
    this.byId = this.views()
      .where(and(eq(jobs.id, sql.placeholder('id')), isNull(jobs.deletedAt)))
      .prepare('job_view_by_id');
  }

  async findView(id: string): Promise<StoredJobView | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.byId.execute({ id });
      return row && toView(row);
    });
  }

  async listViews(query: JobQuery): Promise<StoredJobView[]> {
    return withStorageErrors(async () => {
      const rows = await this.listing(jobListShape(query)).execute(jobListValues(query));
      return rows.map(toView);
    });
  }

  /**
   * The listing statement of this shape. Without a label filter it is prepared at its first use (four shapes). A
   * label filter is planned for its values each time: how many jobs have the labels decides between walking the
   * name order and reading the label index, and a prepared statement's generic plan would walk the name order
   * for any labels, reading every job for labels that few or none have.
   */
  private listing(shape: string) {
    if (shape.includes('labels')) return this.listingOf(shape);
    let statement = this.listings.get(shape);
    if (!statement) {
      statement = this.listingOf(shape).prepare(`job_views_${shape.replaceAll(':', '_')}`);
      this.listings.set(shape, statement);
    }
    return statement;
  }

  private listingOf(shape: string) {
    return this.views().where(jobListFilter(shape)).orderBy(...jobListOrder).limit(sql.placeholder('limit'));
  }

  private views() {
    const last = this.db
      .select(executionSummaryColumns)
      .from(jobExecutions)
      .where(and(eq(jobExecutions.jobId, jobs.id), notSkipped))
      .orderBy(...newestFirstOfJob)
      .limit(1)
      .as('last_execution');
    return this.db
      .select({
        job: jobs,
        lastExecution: { id: last.id, status: last.status, createdAt: last.createdAt, startedAt: last.startedAt, endedAt: last.endedAt },
        schedule: jobSchedules,
      })
      .from(jobs)
      .leftJoinLateral(last, sql`true`)
      .leftJoin(jobSchedules, eq(jobSchedules.jobId, jobs.id))
      .$dynamic();
  }
}

type ViewRow = Awaited<ReturnType<ReturnType<DrizzleJobViewReader['views']>['execute']>>[number];

function toView({ job, lastExecution, schedule }: ViewRow): StoredJobView {
  return {
    job: toJob(job),
    lastExecution: lastExecution?.id ? lastExecution : null,
    schedule: schedule && toSchedule(schedule),
  };
}
