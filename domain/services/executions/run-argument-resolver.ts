import { TemplateResolutionError } from '../../template-errors.js';
import type { Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import { isTemplated, resolvedRun, runValues, type ResolvedRun } from '../../entities/run-arguments.js';
import type { CronTicks, Schedule } from '../../entities/schedule.js';
import type { ScheduleRepository } from '../../ports/output/schedule-repository.js';

/** The `executionId` placeholders resolve to when no run is started. */
export const UNSTARTED_EXECUTION_ID = '00000000-0000-0000-0000-000000000000';

type RunIdentity = Pick<Execution, 'id' | 'attempt' | 'scheduledFor' | 'createdAt'>;

/**
 * A run's program arguments and Flink configuration with the job's placeholders resolved: by the run's
 * `scheduledFor` and the job's schedule (its zone, and its tick before, which starts the data interval).
 */
export class RunArgumentResolver {
  constructor(
    private readonly schedules: Pick<ScheduleRepository, 'find'>,
    private readonly ticks: CronTicks,
  ) {}

  /**
   * What the run sends to Flink. `schedule` is the job's, when the caller read it already (undefined: read it
   * here; null: the job has none). The arguments recorded on a run that was submitted before are sent again as
   * they were, so a launch resumed after the job was replaced repeats the command line it announced.
   */
  async resolve(execution: Execution, job: Job, schedule?: Schedule | null): Promise<ResolvedRun> {
    const resolved = isTemplated(job) ? await this.resolveTemplated(execution, job, schedule) : resolvedRun(job, null);
    return execution.programArgs ? { ...resolved, programArgs: execution.programArgs } : resolved;
  }

  /**
   * What a run of `job` started at `at` would send, for a check that starts none: its placeholders see the nil
   * UUID as `executionId` and attempt 1.
   */
  async resolveUnstarted(job: Job, at: Date): Promise<ResolvedRun> {
    if (!isTemplated(job)) return resolvedRun(job, null);
    return this.resolveTemplated({ id: UNSTARTED_EXECUTION_ID, attempt: 1, scheduledFor: at, createdAt: at }, job);
  }

  private async resolveTemplated(execution: RunIdentity, job: Job, schedule?: Schedule | null): Promise<ResolvedRun> {
    const found = schedule === undefined ? ((await this.schedules.find(job.id)) ?? null) : schedule;
    try {
      return resolvedRun(job, runValues(this.ticks, execution, job, found));
    } catch (error) {
      // Only a job stored before placeholders were checked can hold one that cannot be resolved.
      throw new TemplateResolutionError(String(error instanceof Error ? error.message : error), { cause: error });
    }
  }
}
