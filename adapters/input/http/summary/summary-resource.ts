import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES as STATUSES } from '../../../../domain/entities/execution.js';
import type { ServiceSummary } from '../../../../domain/ports/input/run-overview.js';

const count = z.number().int().min(0);

export const SummarySchema = z
  .object({
    jobs: count.openapi({ description: 'Jobs defined (deleted ones not counted)' }),
    schedules: z
      .object({
        active: count.openapi({ description: 'Schedules that fire: not paused, with a tick to come' }),
        paused: count.openapi({ description: 'Paused schedules that would otherwise fire' }),
        ended: count.openapi({
          description: 'Schedules that never fire again: past their `endAt`, or without a tick left (paused or not)',
        }),
      })
      .openapi({ description: 'Every schedule in exactly one of the three' }),
    runsLast24Hours: z
      .object(Object.fromEntries(STATUSES.map((status) => [status, count])) as Record<(typeof STATUSES)[number], typeof count>)
      .openapi({ description: 'Executions created in the last 24 hours, by their status now' }),
    nextTicks: z
      .array(z.object({ jobId: z.uuid(), jobName: z.string(), at: z.string() }))
      .openapi({
        description:
          'The next 10 ticks of all schedules together, soonest first (a schedule may have several). A tick whose ' +
          'time has come but whose run its jitter still delays is listed until it fires.',
      }),
  })
  .openapi('Summary', {
    example: {
      jobs: 42,
      schedules: { active: 30, paused: 2, ended: 1 },
      runsLast24Hours: {
        QUEUED: 0, PENDING: 0, DOWNLOADING: 0, UPLOADING: 0, SUBMITTING: 0, RUNNING: 3, STOPPING: 0,
        SUCCEEDED: 712, FAILED: 4, STOPPED: 1, SKIPPED: 18,
      },
      nextTicks: [
        { jobId: '3f1c7a9e-5a3b-4f7e-9d2c-1b2a3c4d5e6f', jobName: 'nightly-aggregation', at: '2026-11-30T19:00:00.000Z' },
        { jobId: '7d0e4b52-91c3-4a8e-b6f1-2c9d8e7a6b5c', jobName: 'hourly-sessions', at: '2026-11-30T19:00:00.000Z' },
      ],
    },
  });

export function toSummaryResource(summary: ServiceSummary): z.infer<typeof SummarySchema> {
  return {
    ...summary,
    nextTicks: summary.nextTicks.map(({ jobId, jobName, at }) => ({ jobId, jobName, at: at.toISOString() })),
  };
}
