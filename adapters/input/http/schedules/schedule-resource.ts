import { z } from '@hono/zod-openapi';
import { OVERLAP_POLICIES } from '../../../../domain/entities/schedule.js';
import type { ScheduleView } from '../../../../domain/ports/input/job-schedules.js';
import { iso } from '../executions/execution-resource.js';

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
