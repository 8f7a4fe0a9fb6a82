import { z } from '@hono/zod-openapi';
import type { JobDefinition } from '../../../../domain/entities/job.js';
import { RETRY_DEFAULTS } from '../../../../domain/entities/retry-policy.js';
import { JOB_DEFINITION_EXAMPLE } from './job-examples.js';
import { ClaimModeSchema, RestoreStrategySchema } from '../restore-schema.js';
import { RetryPolicySchema } from './retry-policy-schema.js';
import { SavepointPolicySchema } from './savepoint-policy-schema.js';

const JOB_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const JAVA_CLASS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const CONFIG_KEY = /^[A-Za-z0-9][\w.-]*$/;
const LABEL_KEY = /^[A-Za-z0-9]([\w./-]*[A-Za-z0-9])?$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

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

export const labelValue = z.string().max(256, 'label values have at most 256 characters');

/**
 * The body of create and replace. Optional fields accept null as "not set", so a document read with GET can be
 * edited and sent back.
 */
export const JobDefinitionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(JOB_NAME, "must be 1-128 characters of letters, digits, '.', '_' or '-'")
      .openapi({ example: 'nightly-aggregation' }),
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
    savepointPolicy: SavepointPolicySchema.nullish(),
    restore: RestoreStrategySchema.nullish().openapi({
      description: "How the job's runs restore unless a start says otherwise (not set: a start restores only when asked)",
    }),
    allowNonRestoredState: z.boolean().nullish().openapi({ description: 'With a restore: skip state no operator takes' }),
    claimMode: ClaimModeSchema.nullish(),
  })
  .refine((input) => input.restore !== 'none' || (input.allowNonRestoredState == null && input.claimMode == null), {
    message: "allowNonRestoredState and claimMode apply to a restore, not to restore 'none'",
    path: ['restore'],
  })
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
      restore: input.restore ?? null,
      allowNonRestoredState: input.allowNonRestoredState ?? false,
      claimMode: input.claimMode ?? 'NO_CLAIM',
      savepointPolicy: input.savepointPolicy ?? null,
    }),
  )
  .openapi('JobDefinition', { example: JOB_DEFINITION_EXAMPLE });
