import { z } from '@hono/zod-openapi';
import type { Job, JobDefinition } from '../../../domain/entities/job.js';
import { MAX_ATTEMPTS_LIMIT, RETRY_DEFAULTS } from '../../../domain/entities/retry-policy.js';
import type { ExecutionSummary } from '../../../domain/ports/output/execution-repository.js';
import { ExecutionSummarySchema, toExecutionSummary } from './execution-schemas.js';
import { pageQuery } from './pagination.js';
import { ScheduleSchema, toScheduleResource } from './schedule-schemas.js';
import type { ScheduleView } from '../../../domain/ports/input/job-schedules.js';

// A missing field reads "required" rather than zod's "expected string, received undefined".
z.config({
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
});

const JOB_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const JAVA_CLASS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const CONFIG_KEY = /^[A-Za-z0-9][\w.-]*$/;
const LABEL_KEY = /^[A-Za-z0-9]([\w./-]*[A-Za-z0-9])?$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export const jobName = z
  .string()
  .regex(JOB_NAME, "must be 1-128 characters of letters, digits, '.', '_' or '-'")
  .openapi({ example: 'nightly-aggregation' });

function isJarLocation(value: string): boolean {
  if (value.startsWith('/')) return !value.startsWith('//');
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

export const labelKey = z
  .string()
  .max(63, 'label keys have at most 63 characters')
  .regex(LABEL_KEY, "label keys are letters and digits, with '.', '_', '-' or '/' inside");

const labelValue = z.string().max(256, 'label values have at most 256 characters');

const wholeSeconds = z
  .number()
  .int('must be a whole number of seconds')
  .min(0, 'must not be negative')
  .max(2_147_483_647, 'must be at most 2147483647');

/** Every field may be left out; what is left out takes its default. */
const RetryPolicySchema = z
  .strictObject({
    maxAttempts: z
      .number()
      .int('must be an integer')
      .min(1, `must be from 1 to ${MAX_ATTEMPTS_LIMIT}`)
      .max(MAX_ATTEMPTS_LIMIT, `must be from 1 to ${MAX_ATTEMPTS_LIMIT}`)
      .default(RETRY_DEFAULTS.maxAttempts)
      .openapi({ description: 'Runs in all, the first included: 1 means no retry' }),
    backoffSeconds: wholeSeconds.default(RETRY_DEFAULTS.backoffSeconds),
    backoffMultiplier: z
      .number()
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(RETRY_DEFAULTS.backoffMultiplier),
    maxBackoffSeconds: wholeSeconds.default(RETRY_DEFAULTS.maxBackoffSeconds),
  })
  .openapi('RetryPolicy');

/** Optional fields accept null as "not set", so a document read with GET can be edited and sent back. */
const definitionFields = {
  name: jobName,
  description: z.string().max(2000, 'must be at most 2000 characters').nullish(),
  jarURL: z
    .string()
    .max(2048, 'must be at most 2048 characters')
    .refine(isJarLocation, "must be an absolute http(s) URL or a path starting with '/'")
    .openapi({ example: 'http://data-processor:8080/jars/aggregation.jar' }),
  entryClass: z
    .string()
    .max(512, 'must be at most 512 characters')
    .regex(JAVA_CLASS, 'must be a Java class name such as com.example.Main')
    .openapi({ example: 'com.example.Aggregation' }),
  config: z
    .record(
      z.string().max(128, 'config keys have at most 128 characters').regex(CONFIG_KEY, 'config keys are letters, digits, _ . -, not starting with - or .'),
      z.union([z.string(), z.number(), z.boolean()], { message: 'config values are strings, numbers or booleans' }),
    )
    .nullish()
    .openapi({ description: 'Passed to the program as `--key value`, keys in sorted order', example: { source: 'kafka' } }),
  args: z
    .array(z.string().max(4096, 'arguments have at most 4096 characters'))
    .max(1000, 'at most 1000 arguments')
    .nullish()
    .openapi({ description: 'Appended after the arguments made from `config`' }),
  parallelism: z
    .number()
    .int('must be an integer')
    .min(1, 'must be from 1 to 10000')
    .max(10000, 'must be from 1 to 10000')
    .nullish(),
  flinkConfiguration: z
    .record(z.string().min(1, 'keys must not be empty').max(256, 'keys have at most 256 characters'), z.string())
    .nullish(),
  jarSha256: z.string().regex(SHA256_HEX, 'must be 64 hexadecimal characters').nullish(),
  timeoutSeconds: z
    .number()
    .int('must be an integer')
    .positive('must be a positive number of seconds')
    .max(2_147_483_647, 'must be at most 2147483647')
    .nullish(),
  labels: z.record(labelKey, labelValue).nullish(),
  retryPolicy: RetryPolicySchema.nullish(),
};

export const JOB_DEFINITION_FIELDS = Object.keys(definitionFields);

export const JobDefinitionSchema = z
  .strictObject(definitionFields)
  .transform(
    (input): JobDefinition => ({
      name: input.name,
      description: input.description ?? null,
      jarURL: input.jarURL,
      entryClass: input.entryClass,
      config: input.config ?? {},
      args: input.args ?? [],
      parallelism: input.parallelism ?? null,
      flinkConfiguration: input.flinkConfiguration ?? {},
      jarSha256: input.jarSha256?.toLowerCase() ?? null,
      timeoutSeconds: input.timeoutSeconds ?? null,
      labels: input.labels ?? {},
      retryPolicy: input.retryPolicy ?? { ...RETRY_DEFAULTS },
    }),
  )
  .openapi('JobDefinition');

export const JobSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    jarURL: z.string(),
    entryClass: z.string(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    args: z.array(z.string()),
    parallelism: z.number().int().nullable(),
    flinkConfiguration: z.record(z.string(), z.string()),
    jarSha256: z.string().nullable(),
    timeoutSeconds: z.number().int().nullable(),
    labels: z.record(z.string(), z.string()),
    retryPolicy: RetryPolicySchema,
    version: z.number().int(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
    lastExecution: ExecutionSummarySchema.nullable(),
    schedule: ScheduleSchema.nullable(),
  })
  .openapi('Job');

export type JobResource = z.infer<typeof JobSchema>;

export function toJobResource(
  job: Job,
  lastExecution: ExecutionSummary | undefined,
  schedule: ScheduleView | undefined,
): JobResource {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    jarURL: job.jarURL,
    entryClass: job.entryClass,
    config: job.config,
    args: job.args,
    parallelism: job.parallelism,
    flinkConfiguration: job.flinkConfiguration,
    jarSha256: job.jarSha256,
    timeoutSeconds: job.timeoutSeconds,
    labels: job.labels,
    retryPolicy: job.retryPolicy,
    version: job.version,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    lastExecution: lastExecution ? toExecutionSummary(lastExecution) : null,
    schedule: schedule ? toScheduleResource(schedule) : null,
  };
}

const labelSelector = z
  .string()
  .refine((value) => value.includes(':'), "must be 'key:value'")
  .transform((value) => {
    const separator = value.indexOf(':');
    return [value.slice(0, separator), value.slice(separator + 1)] as const;
  })
  .pipe(z.tuple([labelKey, labelValue]));

export const ListJobsQuerySchema = z.strictObject({
  ...pageQuery,
  // One `label=` arrives as a string, several as an array.
  label: z
    .preprocess((value) => (value === undefined ? [] : [value].flat()), z.array(labelSelector))
    .openapi({ description: '`key:value`; repeat to require several labels', type: 'string' }),
  namePrefix: z.string().max(128, 'must be at most 128 characters').optional(),
});

export const JobListSchema = z
  .object({ jobs: z.array(JobSchema), nextContinuationToken: z.string().nullable() })
  .openapi('JobList');
