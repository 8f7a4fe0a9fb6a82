import { z } from '@hono/zod-openapi';
import { JobDefinitionSchema } from '../jobs/job-definition.js';
import { PLAN_CHECK_EXAMPLE, PLAN_REQUEST_EXAMPLE } from './plan-examples.js';

export const PlanRequestSchema = z
  .strictObject({
    definition: JobDefinitionSchema.optional().openapi({
      description: "Check this definition in place of the job's stored one (the body of `PUT /jobs/{id}`); nothing is stored",
    }),
  })
  .openapi('PlanRequest', { example: PLAN_REQUEST_EXAMPLE });

export const PlanCheckSchema = z
  .object({
    ok: z.literal(true),
    plan: z.object({
      flinkJobName: z.string().openapi({ description: 'The name main() gave the job' }),
      vertices: z
        .array(
          z.object({
            id: z.string().openapi({ description: "Flink's vertex id" }),
            description: z.string().openapi({ description: 'The chained operators, one per line' }),
            parallelism: z.number().int(),
          }),
        )
        .openapi({ description: "The job graph's vertices, in Flink's order" }),
    }),
  })
  .openapi('PlanCheck', { example: PLAN_CHECK_EXAMPLE });
