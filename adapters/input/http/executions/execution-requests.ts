import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES as STATUSES, EXECUTION_TRIGGERS as TRIGGERS } from '../../../../domain/entities/execution.js';
import type { StartOptions } from '../../../../domain/ports/input/job-executions.js';
import { storableInstant } from '../instant.js';
import { labelFilter, repeatable } from '../jobs/list-jobs-query.js';
import { pageQuery } from '../pagination.js';
import { ClaimModeSchema, RestoreStrategySchema, snapshotPath } from '../restore-schema.js';
import { START_REQUEST_EXAMPLE, STOP_REQUEST_EXAMPLE } from './execution-examples.js';

/** The optional body of a start. */
export const StartRequestSchema = z
  .strictObject({
    restore: RestoreStrategySchema.optional().openapi({
      description: "Where this run takes its state from, instead of the job's `restore` (default: the job's; none if it has none)",
    }),
    savepointPath: snapshotPath.optional().openapi({ description: 'Restore from this savepoint: the older spelling of `restore: {"savepointPath": ...}`' }),
    allowNonRestoredState: z
      .boolean()
      .optional()
      .openapi({ description: 'With a restore: skip savepoint state that no operator of the job takes' }),
    claimMode: ClaimModeSchema.optional(),
    fromLastSavepoint: z
      .literal(true, { message: 'must be true when given' })
      .optional()
      .openapi({
        description:
          "Restore from the newest savepoint an earlier execution of the job took: the older spelling of `restore: 'latest-savepoint'`, " +
          'refused with NO_SAVEPOINT when there is none',
      }),
    scheduledFor: storableInstant
      .optional()
      .openapi({
        description:
          "The instant the execution is for (default: now): placeholders in the job's arguments resolve against it, " +
          "and its data interval ends there and starts at the schedule's tick before it",
        example: '2026-11-30T00:00:00+01:00',
      }),
  })
  .superRefine((body, context) => {
    const refuse = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (body.savepointPath && body.fromLastSavepoint) refuse('fromLastSavepoint', 'give savepointPath or fromLastSavepoint, not both');
    if (body.restore !== undefined && body.savepointPath !== undefined) refuse('savepointPath', 'give restore or savepointPath, not both');
    if (body.restore !== undefined && body.fromLastSavepoint) refuse('fromLastSavepoint', 'give restore or fromLastSavepoint, not both');
    if (body.restore === 'none' && (body.allowNonRestoredState !== undefined || body.claimMode !== undefined)) {
      refuse('restore', "allowNonRestoredState and claimMode apply to a restore, not to restore 'none'");
    }
  })
  .transform(({ scheduledFor, ...options }): StartOptions => ({
    ...options,
    ...(scheduledFor === undefined ? {} : { scheduledFor: new Date(scheduledFor) }),
  }))
  .openapi('StartRequest', { example: START_REQUEST_EXAMPLE });

/** The optional body of a stop. */
export const StopRequestSchema = z
  .strictObject({
    mode: z.enum(['savepoint', 'cancel'], { message: "must be 'savepoint' or 'cancel'" }).optional(),
    drain: z.boolean().optional().openapi({ description: 'With a savepoint: end event time before stopping' }),
  })
  .openapi('StopRequest', { example: STOP_REQUEST_EXAMPLE });

const statusValue = z.enum(STATUSES, { message: `must be one of ${STATUSES.join(', ')}` });

export const ListExecutionsQuerySchema = z.strictObject({
  ...pageQuery,
  status: statusValue.optional(),
});

/** The filters of the run list across jobs; `status` and `label` repeat as the job list's `label` does. */
export const ListAllExecutionsQuerySchema = z
  .strictObject({
    ...pageQuery,
    status: repeatable(statusValue).openapi({ description: 'Repeat for any of several statuses', type: 'string' }),
    trigger: z.enum(TRIGGERS, { message: `must be one of ${TRIGGERS.join(', ')}` }).optional(),
    jobId: z.uuid({ message: 'must be a job id (a UUID)' }).optional(),
    label: labelFilter,
    since: storableInstant.optional().openapi({ description: 'Runs created at or after this time (RFC 3339)' }),
    until: storableInstant.optional().openapi({ description: 'Runs created before this time (RFC 3339)' }),
  })
  .refine((query) => !query.since || !query.until || Date.parse(query.since) < Date.parse(query.until), {
    message: 'must be after since',
    path: ['until'],
  });
