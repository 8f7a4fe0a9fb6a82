import { hasPlaceholders, resolveTemplate, templateProblems, type RunValues } from './argument-template.js';
import type { Execution } from './execution.js';
import { programArguments, type Job, type JobDefinition } from './job.js';
import { previousFireTime, type CronTicks, type TickSource } from './schedule.js';

/** A placeholder of a job definition that cannot be resolved: the field it is in (`args[2]`, `config.date`) and why. */
export interface FieldTemplateProblem {
  field: string;
  placeholder: string;
  reason: string;
}

/** The strings of a definition that may hold placeholders, by the path problems name them with. */
function templatedFields(definition: Pick<JobDefinition, 'config' | 'args' | 'flinkConfiguration'>): [string, string][] {
  const strings = (prefix: string, record: Record<string, unknown>) =>
    Object.entries(record).flatMap(([key, value]): [string, string][] => (typeof value === 'string' ? [[`${prefix}.${key}`, value]] : []));
  return [
    ...strings('config', definition.config),
    ...definition.args.map((arg, index): [string, string] => [`args[${index}]`, arg]),
    ...strings('flinkConfiguration', definition.flinkConfiguration),
  ];
}

/** Every placeholder of the definition that a run could not resolve; empty when all can be. */
export function definitionTemplateProblems(definition: JobDefinition): FieldTemplateProblem[] {
  return templatedFields(definition).flatMap(([field, text]) =>
    templateProblems(text).map((problem) => ({ field, placeholder: problem.placeholder, reason: problem.reason })),
  );
}

/** Whether any string of the job holds a placeholder, so that a run of one without needs no schedule read. */
export function isTemplated(job: Job): boolean {
  return templatedFields(job).some(([, text]) => hasPlaceholders(text));
}

/**
 * The data interval of a run: it ends at the instant the run is for (its tick, or what a manual start gave, else
 * the start time) and starts at the schedule's latest tick before that; without a schedule, or without an earlier
 * tick, it is empty (start = end). Resolution depends on nothing else, so a retry (which keeps `scheduledFor`) and
 * any run given its own `scheduledFor` get the interval of that instant.
 */
export function dataInterval(ticks: CronTicks, schedule: Pick<TickSource, 'cron' | 'timezone'> | null, end: Date): { start: Date; end: Date } {
  const start = schedule ? previousFireTime(ticks, schedule, end) : null;
  return { start: start ?? end, end };
}

/** The instant a run resolves against: its `scheduledFor`, else (a run stored before it was always set) its creation. */
export function runInstant(execution: Pick<Execution, 'scheduledFor' | 'createdAt'>): Date {
  return execution.scheduledFor ?? execution.createdAt;
}

/** What the placeholders of `job` stand for in `execution`. */
export function runValues(
  ticks: CronTicks,
  execution: Pick<Execution, 'id' | 'attempt' | 'scheduledFor' | 'createdAt'>,
  job: Pick<Job, 'name'>,
  schedule: Pick<TickSource, 'cron' | 'timezone'> | null,
): RunValues {
  const instant = runInstant(execution);
  const interval = dataInterval(ticks, schedule, instant);
  return {
    scheduledFor: instant,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    executionId: execution.id,
    attempt: execution.attempt,
    jobName: job.name,
    timeZone: schedule?.timezone ?? 'UTC',
  };
}

/** The parts of a run request that placeholders may be in, resolved. */
export interface ResolvedRun {
  /** `config` as `--key value` pairs, then `args`: the list as sent to Flink. */
  programArgs: string[];
  flinkConfiguration: Record<string, string>;
}

/** The job's program arguments and Flink configuration for a run; `values` null: the job holds no placeholder. */
export function resolvedRun(job: Job, values: RunValues | null): ResolvedRun {
  if (!values) return { programArgs: programArguments(job), flinkConfiguration: job.flinkConfiguration };
  const resolve = (text: string) => resolveTemplate(text, values);
  const config = Object.fromEntries(
    Object.entries(job.config).map(([key, value]) => [key, typeof value === 'string' ? resolve(value) : value]),
  );
  return {
    programArgs: programArguments({ config, args: job.args.map(resolve) }),
    flinkConfiguration: Object.fromEntries(Object.entries(job.flinkConfiguration).map(([key, value]) => [key, resolve(value)])),
  };
}
