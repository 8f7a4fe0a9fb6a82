import { z } from '@hono/zod-openapi';
import { RETRY_POLICY_EXAMPLE } from './job-examples.js';
import { MAX_ATTEMPTS_LIMIT, RETRY_DEFAULTS } from '../../../../domain/entities/retry-policy.js';

const wholeSeconds = z
  .number()
  .int('must be a whole number of seconds')
  .min(0, 'must not be negative')
  .max(2_147_483_647, 'must be at most 2147483647');

/** Every field may be left out; what is left out takes its default. */
export const RetryPolicySchema = z
  .strictObject({
    maxAttempts: z
      .number()
      .int('must be an integer')
      .min(1, `must be from 1 to ${MAX_ATTEMPTS_LIMIT}`)
      .max(MAX_ATTEMPTS_LIMIT, `must be from 1 to ${MAX_ATTEMPTS_LIMIT}`)
      .default(RETRY_DEFAULTS.maxAttempts)
      .openapi({ description: 'Executions in all, the first included: 1 means no retry' }),
    backoffSeconds: wholeSeconds.default(RETRY_DEFAULTS.backoffSeconds),
    backoffMultiplier: z
      .number()
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(RETRY_DEFAULTS.backoffMultiplier),
    maxBackoffSeconds: wholeSeconds.default(RETRY_DEFAULTS.maxBackoffSeconds),
  })
  .openapi('RetryPolicy', { example: RETRY_POLICY_EXAMPLE });
