import { isEntityId } from '../entities/ids.js';
import { JobNotFoundError } from '../errors.js';
import type { ListJobsRequest } from '../ports/input/job-definitions.js';
import type { JobView, JobViewPage, JobViews } from '../ports/input/job-views.js';
import type { Clock } from '../ports/output/clock.js';
import type { CronCalculator } from '../ports/output/cron-calculator.js';
import type { JobViewReader, StoredJobView } from '../ports/output/job-view-reader.js';
import { keysetPage } from './keyset-page.js';
import { NextRunTimes } from './next-run-times.js';
import { scheduleView } from './schedule-view.js';

export class JobViewService implements JobViews {
  private readonly nextRuns: NextRunTimes;

  constructor(
    private readonly reader: JobViewReader,
    cron: CronCalculator,
    private readonly clock: Clock,
  ) {
    this.nextRuns = new NextRunTimes(cron);
  }

  async getJobView(id: string): Promise<JobView> {
    const stored = isEntityId(id) ? await this.reader.findView(id) : undefined;
    if (!stored) throw new JobNotFoundError(id);
    return this.view(stored, this.clock.now());
  }

  async listJobViews(request: ListJobsRequest): Promise<JobViewPage> {
    const stored = await this.reader.listViews({ ...request, limit: request.limit + 1 });
    const page = keysetPage(stored, request.limit, ({ job }) => ({ name: job.name, id: job.id }));
    const now = this.clock.now();
    return { jobs: page.rows.map((row) => this.view(row, now)), next: page.next };
  }

  private view({ job, lastExecution, schedule }: StoredJobView, now: Date): JobView {
    return { job, lastExecution, schedule: schedule && scheduleView((s, at) => this.nextRuns.after(s, at), schedule, now) };
  }
}
