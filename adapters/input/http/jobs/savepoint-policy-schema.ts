import { z } from '@hono/zod-openapi';
import { SAVEPOINT_POLICY_LIMITS } from '../../../../domain/entities/savepoint.js';
import { SAVEPOINT_POLICY_EXAMPLE } from './job-examples.js';

const seconds = z.number().int('must be a whole number of seconds');

/**
 * The shape of a savepointPolicy; what its values may be (exactly one cadence, the bounds, a cron that can be read)
 * is the domain's rule (`savepointPolicyProblem`), checked at create and replace.
 */
export const SavepointPolicySchema = z
  .strictObject({
    intervalSeconds: seconds.nullish().openapi({
      description: `A savepoint every this many seconds while a run is active (${SAVEPOINT_POLICY_LIMITS.minIntervalSeconds} at least); or cron`,
    }),
    cron: z
      .string()
      .max(256, 'must be at most 256 characters')
      .nullish()
      .openapi({ description: 'A savepoint at each tick (five or six fields, in UTC) while a run is active; or intervalSeconds' }),
    maxCount: z.number().int('must be an integer').nullish().openapi({ description: 'Completed savepoints kept at most' }),
    maxAgeSeconds: seconds.nullish().openapi({ description: 'Completed savepoints older than this are disposed of' }),
  })
  .transform((input) => ({
    intervalSeconds: input.intervalSeconds ?? null,
    cron: input.cron?.trim() ?? null,
    maxCount: input.maxCount ?? null,
    maxAgeSeconds: input.maxAgeSeconds ?? null,
  }))
  .openapi('SavepointPolicy', { example: SAVEPOINT_POLICY_EXAMPLE });

/** The policy as a job shows it. */
export const SavepointPolicyResourceSchema = z
  .object({
    intervalSeconds: z.number().int().nullable(),
    cron: z.string().nullable(),
    maxCount: z.number().int().nullable(),
    maxAgeSeconds: z.number().int().nullable(),
  })
  .openapi('SavepointPolicyResource', { example: SAVEPOINT_POLICY_EXAMPLE });
