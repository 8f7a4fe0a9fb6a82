import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import type { JobQuery } from '../../../domain/ports/output/job-repository.js';
import type { ExecutionSummary } from '../../../domain/ports/output/execution-repository.js';
import type { JobViewReader, StoredJobView } from '../../../domain/ports/output/job-view-reader.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { jobListFilter, jobListOrder, jobListShape, jobListValues, toJob } from './drizzle-job-repository.js';
import { toSchedule } from './drizzle-schedule-repository.js';
import { executionSummaryColumns, newestFirstOfJob, notSkipped } from './execution-rows.js';
import { rowsFromJson, type JsonRow } from './json-rows.js';
import { jobSchedules, type ScheduleRow } from './schedule-table.js';
import { jobExecutions, jobs, type JobRow } from './schema.js';

/**
 * drizzle prepares a statement without a name as an unnamed one, planned for the values of each call; only its text
 * is built once (a quarter of a millisecond of CPU a request). Its typing asks for a name all the same.
 */
const UNNAMED = undefined as unknown as string;

const jobFromJson = rowsFromJson<JobRow>(getTableColumns(jobs));
const summaryFromJson = rowsFromJson<ExecutionSummary>(executionSummaryColumns);
const scheduleFromJson = rowsFromJson<ScheduleRow>(getTableColumns(jobSchedules));

/**
 * Jobs with their newest execution that is not SKIPPED and their schedule, in one statement: a lateral subquery
 * takes the first row of the job's runs in `job_executions_job_newest_idx` order, the schedule is a left join. Each
 * of the three comes as one JSON value (see json-rows.ts): reading a page of 50 costs half the CPU it did column
 * by column.
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
   * The listing statement of this shape, built at its first use (eight shapes). Without a label filter it is
   * prepared. A label filter is planned for its values each time (an unnamed statement): how many jobs have the
   * labels decides between walking the name order and reading the label index, and a prepared statement's generic
   * plan would walk the name order for any labels, reading every job for labels that few or none have.
   */
  private listing(shape: string) {
    let statement = this.listings.get(shape);
    if (!statement) {
      const name = shape.includes('labels') ? UNNAMED : `job_views_${shape.replaceAll(':', '_')}`;
      statement = this.listingOf(shape).prepare(name);
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
        job: sql<JsonRow>`to_json(${jobs})`,
        lastExecution: sql<JsonRow | null>`to_json(${sql.identifier('last_execution')})`,
        schedule: sql<JsonRow | null>`to_json(${jobSchedules})`,
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
    job: toJob(jobFromJson(job)),
    lastExecution: lastExecution && summaryFromJson(lastExecution),
    schedule: schedule && toSchedule(scheduleFromJson(schedule)),
  };
}
