import { z } from '@hono/zod-openapi';
import { SAVEPOINT_ORIGINS, SAVEPOINT_STATUSES, savepointResource, type Savepoint } from '../../../../domain/entities/savepoint.js';
import type { Disposal } from '../../../../domain/ports/input/job-savepoints.js';
import { pageQuery } from '../pagination.js';
import { DISPOSAL_EXAMPLE, SAVEPOINT_EXAMPLE, SAVEPOINT_LIST_EXAMPLE } from './savepoint-examples.js';

export const SavepointSchema = z
  .object({
    id: z.uuid(),
    jobId: z.uuid(),
    executionId: z.uuid().openapi({ description: 'The run it is a savepoint of' }),
    jobVersion: z.number().int().openapi({ description: "The job's version when it was triggered" }),
    path: z.string().nullable().openapi({ description: 'Where Flink wrote it: what a start takes as savepointPath' }),
    origin: z.enum(SAVEPOINT_ORIGINS).openapi({
      description: "STOP: a stop with savepoint; MANUAL: asked for; PERIODIC: the job's savepointPolicy",
    }),
    status: z.enum(SAVEPOINT_STATUSES).openapi({
      description: 'PENDING while Flink takes it; COMPLETED or FAILED (error says why); DISPOSED once disposed of',
    }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    completedAt: z.string().nullable().openapi({ format: 'date-time' }),
    error: z.string().nullable(),
  })
  .openapi('Savepoint', { example: SAVEPOINT_EXAMPLE });

export const SavepointListSchema = z
  .object({ savepoints: z.array(SavepointSchema), nextContinuationToken: z.string().nullable() })
  .openapi('SavepointList', { example: SAVEPOINT_LIST_EXAMPLE });

export const DisposalSchema = z
  .object({
    savepoint: SavepointSchema,
    filesRemoved: z.boolean().openapi({ description: "Whether the service deleted the savepoint's folder" }),
    message: z.string().openapi({ description: 'What was done; where the files remain when they were not deleted' }),
  })
  .openapi('SavepointDisposal', { example: DISPOSAL_EXAMPLE });

export const ListSavepointsQuerySchema = z.strictObject({ ...pageQuery });

export const SavepointIdParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

export const toSavepointResource = (savepoint: Savepoint): z.infer<typeof SavepointSchema> => savepointResource(savepoint);

export function toDisposalResource(disposal: Disposal): z.infer<typeof DisposalSchema> {
  return { ...disposal, savepoint: toSavepointResource(disposal.savepoint) };
}
