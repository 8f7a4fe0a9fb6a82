import { z } from '@hono/zod-openapi';
import { BACKFILL_STATES, REPROCESS_MODES } from '../../../../domain/entities/backfill.js';
import { EXECUTION_STATUSES } from '../../../../domain/entities/execution.js';
import type { BackfillPlan } from '../../../../domain/ports/input/job-backfills.js';
import type { BackfillProgress } from '../../../../domain/ports/output/backfill-repository.js';

const EXAMPLE = {
  id: '3f1c2a9e-7b5d-4e8a-9c61-2d4b8f0e1a37',
  jobId: '9b2e4c1d-5a6f-4b7e-8c9d-0e1f2a3b4c5d',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-06T00:00:00.000Z',
  reprocess: 'missing',
  maxActive: 2,
  state: 'running',
  requestedBy: 'alice',
  progress: { ticks: 5, started: 3, finished: 2, remaining: 2 },
  runs: { SUCCEEDED: 2, RUNNING: 1 },
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
};

export const BackfillSchema = z
  .object({
    id: z.uuid(),
    jobId: z.uuid(),
    from: z.string(),
    to: z.string(),
    reprocess: z.enum(REPROCESS_MODES),
    maxActive: z.number().int(),
    state: z.enum(BACKFILL_STATES).openapi({
      description: 'running: creates runs as slots free up; cancelled: creates no more; completed: every tick ran',
    }),
    requestedBy: z.string().nullable(),
    progress: z.object({
      ticks: z.number().int().openapi({ description: 'Ticks it runs' }),
      started: z.number().int().openapi({ description: 'Ticks that have a run of the backfill' }),
      finished: z.number().int().openapi({ description: 'Ticks whose runs all ended' }),
      remaining: z.number().int().openapi({ description: 'Ticks without a run yet' }),
    }),
    runs: z
      .partialRecord(z.enum(EXECUTION_STATUSES), z.number().int())
      .openapi({ description: 'Its runs (retries included) by status' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Backfill', { example: EXAMPLE });

const TICKS_EXAMPLE = ['2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z', '2026-11-04T00:00:00.000Z'];

export const BackfillPlanSchema = z
  .object({
    dryRun: z.boolean(),
    tickCount: z.number().int(),
    ticks: z.array(z.string()).openapi({ description: 'The ticks it runs (each is the scheduledFor of its run), oldest first' }),
    backfill: BackfillSchema.nullable().openapi({ description: 'The backfill as stored; null for a dry run' }),
  })
  .openapi('BackfillPlan', {
    example: { dryRun: true, tickCount: 3, ticks: TICKS_EXAMPLE, backfill: null },
  });

export const BackfillListSchema = z
  .object({ backfills: z.array(BackfillSchema) })
  .openapi('BackfillList', { example: { backfills: [EXAMPLE] } });

export function toBackfillResource({ backfill, runs, ticksStarted, ticksFinished }: BackfillProgress): z.infer<typeof BackfillSchema> {
  return {
    id: backfill.id,
    jobId: backfill.jobId,
    from: backfill.from.toISOString(),
    to: backfill.to.toISOString(),
    reprocess: backfill.reprocess,
    maxActive: backfill.maxActive,
    state: backfill.state,
    requestedBy: backfill.requestedBy,
    progress: {
      ticks: backfill.tickCount,
      started: ticksStarted,
      finished: ticksFinished,
      remaining: backfill.tickCount - ticksStarted,
    },
    runs,
    createdAt: backfill.createdAt.toISOString(),
    updatedAt: backfill.updatedAt.toISOString(),
  };
}

export function toBackfillPlan({ ticks, progress }: BackfillPlan): z.infer<typeof BackfillPlanSchema> {
  return {
    dryRun: progress === null,
    tickCount: ticks.length,
    ticks: ticks.map((tick) => tick.toISOString()),
    backfill: progress && toBackfillResource(progress),
  };
}
