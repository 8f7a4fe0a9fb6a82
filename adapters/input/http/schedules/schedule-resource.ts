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
    ended: z.boolean().openapi({ description: 'endAt has passed: the schedule fires no more' }),
    nextRunTimes: z.array(z.string()),
    lastRunAt: z.string().nullable().openapi({ description: 'The last tick that fired' }),
    counters: z.object({ runsStarted: z.number().int(), ticksSkipped: z.number().int(), ticksMissed: z.number().int() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Schedule', { example: SCHEDULE_EXAMPLE });

export function toScheduleResource({ schedule, nextRunTimes, ended }: ScheduleView): z.infer<typeof ScheduleSchema> {
  return scheduleResource(schedule, nextRunTimes, ended);
}
