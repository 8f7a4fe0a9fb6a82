import type { JobDefinition } from '../../domain/entities/job.js';
import { RETRY_DEFAULTS } from '../../domain/entities/retry-policy.js';
import { SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../domain/entities/schedule.js';

/** A valid job definition; override what the test is about. */
export function aJobDefinition(overrides: Partial<JobDefinition> = {}): JobDefinition {
  return {
    name: 'word-count',
    description: null,
    jarURL: 'http://data-processor:8080/jars/word-count.jar',
    entryClass: 'com.example.WordCount',
    config: {},
    args: [],
    parallelism: null,
    flinkConfiguration: {},
    jarSha256: null,
    timeoutSeconds: null,
    labels: {},
    retryPolicy: { ...RETRY_DEFAULTS },
    restore: null,
    allowNonRestoredState: false,
    claimMode: 'NO_CLAIM',
    savepointPolicy: null,
    ...overrides,
  };
}

/** A valid schedule definition, firing at the start of every minute, with the defaults; override what the test is about. */
export function aScheduleDefinition(overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return { cron: '0 * * * * *', ...SCHEDULE_DEFAULTS, ...overrides };
}
