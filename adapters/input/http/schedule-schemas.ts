import { z } from '@hono/zod-openapi';
import { OVERLAP_POLICIES, SCHEDULE_DEFAULTS, type ScheduleDefinition } from '../../../domain/entities/schedule.js';
import type { ScheduleView } from '../../../domain/ports/input/job-schedules.js';
import { iso } from './execution-schemas.js';

const wholeSeconds = (max: number, min = 0) =>
  z
    .number()
    .int('must be a whole number of seconds')
    .min(min, `must be from ${min} to ${max}`)
    .max(max, `must be from ${min} to ${max}`);

const instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time such as 2026-01-31T08:00:00Z' });

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
    startAt: instant.optional(),
    endAt: instant.optional(),
    paused: z.boolean().optional(),
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
    }),
  )
  .openapi('ScheduleRequest');

export const PauseRequestSchema = z.strictObject({
  note: z.string().max(2000, 'must be at most 2000 characters').optional(),
});

export const ScheduleSchema = z
  .object({
    jobId: z.uuid(),
    cron: z.string(),
    timezone: z.string(),
    overlapPolicy: z.enum(OVERLAP_POLICIES),
    catchupWindowSeconds: z.number().int(),
    jitterSeconds: z.number().int(),
    startAt: z.string().nullable(),
    endAt: z.string().nullable(),
    paused: z.boolean(),
    pauseNote: z.string().nullable(),
    ended: z.boolean().openapi({ description: 'endAt has passed: the schedule fires no more' }),
    nextRunTimes: z.array(z.string()),
    lastRunAt: z.string().nullable().openapi({ description: 'The last tick that fired' }),
    counters: z.object({ runsStarted: z.number().int(), ticksSkipped: z.number().int(), ticksMissed: z.number().int() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Schedule');

export function toScheduleResource({ schedule, nextRunTimes, ended }: ScheduleView): z.infer<typeof ScheduleSchema> {
  return {
    jobId: schedule.jobId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlapPolicy: schedule.overlapPolicy,
    catchupWindowSeconds: schedule.catchupWindowSeconds,
    jitterSeconds: schedule.jitterSeconds,
    startAt: iso(schedule.startAt),
    endAt: iso(schedule.endAt),
    paused: schedule.paused,
    pauseNote: schedule.pauseNote,
    ended,
    nextRunTimes: nextRunTimes.map((time) => time.toISOString()),
    lastRunAt: iso(schedule.lastFireAt),
    counters: schedule.counters,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
    version: schedule.version,
  };
}
