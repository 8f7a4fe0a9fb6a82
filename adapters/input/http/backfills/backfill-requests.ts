import { z } from '@hono/zod-openapi';
import { MAX_ACTIVE_RUNS, REPROCESS_MODES, type BackfillRequest } from '../../../../domain/entities/backfill.js';
import { storableInstant } from '../instant.js';

export const BackfillRequestSchema = z
  .strictObject({
    from: storableInstant.openapi({ description: 'Start of the range: the first data interval starts at or after it' }),
    to: storableInstant.openapi({ description: 'End of the range: the last tick is at or before it, and not after now' }),
    reprocess: z.enum(REPROCESS_MODES, { message: `must be one of ${REPROCESS_MODES.join(', ')}` }).openapi({
      description:
        'missing: only ticks without a run; failed: those and ticks whose newest run FAILED or was STOPPED; all: every tick',
    }),
    maxActive: z
      .number()
      .int('must be a whole number')
      .min(1, `must be from 1 to ${MAX_ACTIVE_RUNS}`)
      .max(MAX_ACTIVE_RUNS, `must be from 1 to ${MAX_ACTIVE_RUNS}`)
      .openapi({ description: 'How many runs of the backfill may be queued or active at once' }),
    dryRun: z.boolean().optional().openapi({ description: 'Only list the ticks it would run; store nothing' }),
  })
  .transform(
    (input): BackfillRequest => ({
      from: new Date(input.from),
      to: new Date(input.to),
      reprocess: input.reprocess,
      maxActive: input.maxActive,
      dryRun: input.dryRun ?? false,
    }),
  )
  .openapi('BackfillRequest', {
    example: { from: '2026-11-01T00:00:00Z', to: '2026-11-06T00:00:00Z', reprocess: 'missing', maxActive: 2, dryRun: true },
  });
