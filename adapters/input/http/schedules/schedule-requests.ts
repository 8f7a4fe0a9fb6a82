import { z } from '@hono/zod-openapi';
import { MAX_PAUSE_AFTER_FAILURES, OVERLAP_POLICIES, SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../../../domain/entities/schedule.js';
import { storableInstant } from '../instant.js';
import { PAUSE_REQUEST_EXAMPLE, SCHEDULE_REQUEST_EXAMPLE } from './schedule-examples.js';

const wholeSeconds = (max: number, min = 0) =>
  z
    .number()
    .int('must be a whole number of seconds')
    .min(min, `must be from ${min} to ${max}`)
    .max(max, `must be from ${min} to ${max}`);

const positiveCount = (max: number) =>
  z.number().int('must be a whole number').min(1, `must be from 1 to ${max}`).max(max, `must be from 1 to ${max}`);

export const ScheduleRequestSchema = z
  .strictObject({
    cron: z
      .string()
      .min(1, 'required')
      .max(256, 'must be at most 256 characters')
      .openapi({ example: '0 * * * * *', description: 'Six fields (seconds first) or five' }),
    timezone: z.string().min(1).max(64).optional().openapi({ example: 'Europe/Berlin' }),
    overlapPolicy: z.enum(OVERLAP_POLICIES, { message: `must be one of ${OVERLAP_POLICIES.join(', ')}` }).optional(),
    catchupWindowSeconds: wholeSeconds(31 * 24 * 3600, 1).optional(),
    jitterSeconds: wholeSeconds(3600).optional(),
    startAt: storableInstant.optional(),
    endAt: storableInstant.optional(),
    paused: z.boolean().optional(),
    remainingRuns: positiveCount(1_000_000)
      .optional()
      .openapi({ example: 10, description: 'Ticks that may still start a run; the schedule ends after the last' }),
    pauseAfterFailures: positiveCount(MAX_PAUSE_AFTER_FAILURES)
      .optional()
      .openapi({ example: 3, description: 'Pause the schedule after this many scheduled runs in a row failed' }),
    deadlineSeconds: wholeSeconds(31 * 24 * 3600, 1)
      .optional()
      .openapi({ example: 3600, description: 'A scheduled run not finished this long after its tick is marked deadlineMissed' }),
  })
  .transform(
    (input): ScheduleDefinition => ({
      cron: input.cron.trim(),
      timezone: input.timezone ?? SCHEDULE_DEFAULTS.timezone,
      overlapPolicy: input.overlapPolicy ?? SCHEDULE_DEFAULTS.overlapPolicy,
      catchupWindowSeconds: input.catchupWindowSeconds ?? SCHEDULE_DEFAULTS.catchupWindowSeconds,
      jitterSeconds: input.jitterSeconds ?? SCHEDULE_DEFAULTS.jitterSeconds,
      startAt: input.startAt ? new Date(input.startAt) : null,
      endAt: input.endAt ? new Date(input.endAt) : null,
      paused: input.paused ?? false,
      remainingRuns: input.remainingRuns ?? null,
      pauseAfterFailures: input.pauseAfterFailures ?? null,
      deadlineSeconds: input.deadlineSeconds ?? null,
    }),
  )
  .openapi('ScheduleRequest', { example: SCHEDULE_REQUEST_EXAMPLE });

/** The optional body of a pause. */
export const PauseRequestSchema = z
  .strictObject({
    note: z
      .string()
      .max(2000, 'must be at most 2000 characters')
      .optional()
      .openapi({ description: 'Why the schedule is paused; served as pauseNote' }),
  })
  .openapi('PauseRequest', { example: PAUSE_REQUEST_EXAMPLE });
