import { z } from '@hono/zod-openapi';
import type { JobVersion } from '../../../../domain/entities/job-version.js';
import { jobDefinitionResource } from '../../../../domain/entities/representations.js';
import { pageQuery } from '../pagination.js';
import { JobSchema } from '../jobs/job-resource.js';
import { JOB_VERSION_EXAMPLE, JOB_VERSION_LIST_EXAMPLE, ROLLBACK_REQUEST_EXAMPLE } from './version-examples.js';

/** The fields of a job that a user writes: what a version keeps. */
const DefinitionSchema = JobSchema.pick({
  name: true,
  description: true,
  jarURL: true,
  entryClass: true,
  config: true,
  args: true,
  parallelism: true,
  flinkConfiguration: true,
  jarSha256: true,
  timeoutSeconds: true,
  labels: true,
  retryPolicy: true,
});

export const JobVersionSchema = z
  .object({
    jobId: z.uuid(),
    version: z.number().int(),
    createdAt: z.string().openapi({ format: 'date-time', description: 'When this version was stored' }),
    changedBy: z.string().nullable().openapi({ description: "The API key's name of who stored it; null where not known" }),
    definition: DefinitionSchema.openapi({ description: 'The definition as it was at this version' }),
  })
  .openapi('JobVersion', { example: JOB_VERSION_EXAMPLE });

export const JobVersionListSchema = z
  .object({ versions: z.array(JobVersionSchema), nextContinuationToken: z.string().nullable() })
  .openapi('JobVersionList', { example: JOB_VERSION_LIST_EXAMPLE });

export const ListVersionsQuerySchema = z.strictObject({ ...pageQuery });

const POSITIVE_INTEGER = 'must be a positive integer, in decimal digits';

/** `{version}`: digits only, 1 or more, so that `0`, `-1`, `1.5` and `abc` are refused as bad input (400). */
export const VersionParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, POSITIVE_INTEGER)
    .transform(Number)
    .openapi({ param: { name: 'version', in: 'path' }, type: 'integer', example: 2 }),
});

export const RollbackRequestSchema = z
  .strictObject({
    version: z
      .number({ message: POSITIVE_INTEGER })
      .int(POSITIVE_INTEGER)
      .min(1, POSITIVE_INTEGER)
      .max(999_999_999, POSITIVE_INTEGER)
      .openapi({ description: 'The version whose definition becomes the next version' }),
  })
  .openapi('RollbackRequest', { example: ROLLBACK_REQUEST_EXAMPLE });

export function toJobVersionResource(version: JobVersion): z.infer<typeof JobVersionSchema> {
  // The definition shown as a job shows it (maps in key order), without the job's own fields.
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = jobDefinitionResource({
    ...version.definition,
    id: version.jobId,
    version: version.version,
    createdAt: version.createdAt,
    updatedAt: version.createdAt,
  });
  return {
    jobId: version.jobId,
    version: version.version,
    createdAt: version.createdAt.toISOString(),
    changedBy: version.changedBy,
    definition,
  };
}
