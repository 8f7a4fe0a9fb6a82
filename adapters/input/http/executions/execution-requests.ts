import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES as STATUSES } from '../../../../domain/entities/execution.js';
import { pageQuery } from '../pagination.js';
import { START_REQUEST_EXAMPLE, STOP_REQUEST_EXAMPLE } from './execution-examples.js';

/** The optional body of a start. */
export const StartRequestSchema = z
  .strictObject({
    savepointPath: z
      .string()
      .min(1, 'must not be empty')
      .max(4096, 'must be at most 4096 characters')
      .optional()
      .openapi({ description: 'Restore from this savepoint' }),
    allowNonRestoredState: z
      .boolean()
      .optional()
      .openapi({ description: 'With a restore: skip savepoint state that no operator of the job takes' }),
    fromLastSavepoint: z
      .literal(true, { message: 'must be true when given' })
      .optional()
      .openapi({ description: 'Restore from the newest savepoint an earlier execution of the job took' }),
  })
  .refine((body) => !(body.savepointPath && body.fromLastSavepoint), {
    message: 'give savepointPath or fromLastSavepoint, not both',
    path: ['fromLastSavepoint'],
  })
  .openapi('StartRequest', { example: START_REQUEST_EXAMPLE });

/** The optional body of a stop. */
export const StopRequestSchema = z
  .strictObject({
    mode: z.enum(['savepoint', 'cancel'], { message: "must be 'savepoint' or 'cancel'" }).optional(),
    drain: z.boolean().optional().openapi({ description: 'With a savepoint: end event time before stopping' }),
  })
  .openapi('StopRequest', { example: STOP_REQUEST_EXAMPLE });

export const ListExecutionsQuerySchema = z.strictObject({
  ...pageQuery,
  status: z.enum(STATUSES, { message: `must be one of ${STATUSES.join(', ')}` }).optional(),
});
