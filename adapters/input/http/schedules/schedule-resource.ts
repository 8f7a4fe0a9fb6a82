import { z } from '@hono/zod-openapi';
import { OVERLAP_POLICIES } from '../../../../domain/entities/schedule.js';
import type { ScheduleView } from '../../../../domain/ports/input/job-schedules.js';
import { SCHEDULE_EXAMPLE } from './schedule-examples.js';
import { scheduleResource } from '../../../../domain/entities/representations.js';

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
    remainingRuns: z.number().int().nullable().openapi({ example: 9, description: 'Ticks that may still start a run; null: no limit' }),
    pauseAfterFailures: z.number().int().nullable().openapi({ example: 3 }),
    deadlineSeconds: z.number().int().nullable().openapi({ example: 3600 }),
    ended: z.boolean().openapi({ description: 'The schedule fires no more: see endedReason' }),
    endedReason: z
      .enum(['remaining_runs', 'end_at'])
      .nullable()
      .openapi({ example: null, description: '`remaining_runs`: used up; `end_at`: no tick left before endAt' }),
    nextRunTimes: z.array(z.string()),
    lastRunAt: z.string().nullable().openapi({ description: 'The last tick that fired' }),
    counters: z.object({
      runsStarted: z.number().int(),
      ticksSkipped: z.number().int(),
      ticksMissed: z.number().int(),
      deadlinesMissed: z.number().int().openapi({ description: 'Scheduled runs not finished by their deadline' }),
      consecutiveFailures: z.number().int().openapi({ description: 'Scheduled runs that failed in a row (retries exhausted)' }),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Schedule', { example: SCHEDULE_EXAMPLE });

export function toScheduleResource({ schedule, nextRunTimes, ended }: ScheduleView): z.infer<typeof ScheduleSchema> {
  return scheduleResource(schedule, nextRunTimes, ended);
}
