import { EXECUTION_STATUSES, type ExecutionStatus } from '../entities/execution.js';
import { nextFireTime, ticksLeft, type CronTicks } from '../entities/schedule.js';
import type { ExecutionPage } from '../ports/input/job-executions.js';
import type { RunOverview, ServiceSummary, UpcomingTick } from '../ports/input/run-overview.js';
import type { Clock } from '../ports/output/clock.js';
import type { RunOverviewReader, RunSearch, UpcomingSchedule } from '../ports/output/run-overview-reader.js';
import { keysetPage } from './keyset-page.js';

/** How many ticks the summary shows. */
export const NEXT_TICKS = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs of all jobs, newest first, and the service's summary. */
export class RunOverviewService implements RunOverview {
  constructor(
    private readonly reader: RunOverviewReader,
    private readonly cron: CronTicks,
    private readonly clock: Clock,
  ) {}

  async listRuns(search: RunSearch): Promise<ExecutionPage> {
    const rows = await this.reader.searchRuns({ ...search, limit: search.limit + 1 });
    const page = keysetPage(rows, search.limit, (run) => ({ createdAt: run.createdAt, id: run.id }));
    return { executions: page.rows, next: page.next };
  }

  async summary(): Promise<ServiceSummary> {
    const now = this.clock.now();
    // The next ticks all belong to the schedules whose own next tick comes first: reading that many is enough.
    const [counts, soonest] = await Promise.all([
      this.reader.countAll(now, new Date(now.getTime() - DAY_MS)),
      this.reader.soonestSchedules(NEXT_TICKS),
    ]);
    const { runsByStatus, ...rest } = counts;
    const runsLast24Hours = Object.fromEntries(EXECUTION_STATUSES.map((status) => [status, runsByStatus[status] ?? 0]));
    return {
      ...rest,
      runsLast24Hours: runsLast24Hours as Record<ExecutionStatus, number>,
      nextTicks: mergeTicks(this.cron, soonest, NEXT_TICKS),
    };
  }
}

/**
 * The first `count` ticks of the schedules together, soonest first (ties by job id), from each one's stored next
 * tick: the cron arithmetic is done once per tick taken, never for a schedule that has none among them. A stored
 * tick already due but not yet handled (its jitter delays it) is listed as it is: it is still to come. A schedule
 * gives at most its `remainingRuns` ticks.
 */
export function mergeTicks(cron: CronTicks, schedules: UpcomingSchedule[], count: number): UpcomingTick[] {
  const heads = schedules.flatMap(({ jobName, schedule }) => {
    const left = ticksLeft(schedule, count);
    return schedule.nextFireAt && left > 0 ? [{ jobName, schedule, at: schedule.nextFireAt, left }] : [];
  });
  const ticks: UpcomingTick[] = [];
  while (ticks.length < count && heads.length > 0) {
    heads.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.schedule.jobId < b.schedule.jobId ? -1 : 1));
    const head = heads[0]!;
    ticks.push({ jobId: head.schedule.jobId, jobName: head.jobName, at: head.at });
    head.left -= 1;
    const next = head.left > 0 ? nextFireTime(cron, head.schedule, head.at) : null;
    if (next) head.at = next;
    else heads.shift();
  }
  return ticks;
}
