import { z } from '@hono/zod-openapi';
import {
  INVALID_JOB_PROBLEM,
  PAYLOAD_TOO_LARGE_PROBLEM,
  UNSUPPORTED_MEDIA_TYPE_PROBLEM,
  type ProblemExample,
} from './problem-examples.js';

/** A JSON response in a route's declaration. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The RFC 9457 body of every error answer (see problem.ts). */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: '`urn:problem-type:flink-job-scheduler:` and the code in kebab case' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().openapi({ description: 'What went wrong, for people' }),
    code: z.string().openapi({ description: 'Stable: switch on this one (see the Errors section of the README)' }),
    instance: z.string().openapi({ description: 'The path of the request' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'With VALIDATION_FAILED: each field at fault, and why' }),
  })
  .openapi('Problem', { example: INVALID_JOB_PROBLEM });

/**
 * A problem response in a route's declaration; give an example of each problem the route answers with this
 * status (Swagger UI offers them by code), else the Problem schema's own example stands in.
 */
export function problemDoc(description: string, ...examples: ProblemExample[]) {
  const named = Object.fromEntries(examples.map((example) => [example.code, { summary: example.title, value: example }]));
  return {
    description,
    content: { 'application/problem+json': { schema: ProblemSchema, ...(examples.length > 0 ? { examples: named } : {}) } },
  };
}

/** What every route that takes a JSON body may answer before its schema is checked. */
export const bodyProblems = {
  413: problemDoc('Body above 1 MiB', PAYLOAD_TOO_LARGE_PROBLEM),
  415: problemDoc('Body is not JSON', UNSUPPORTED_MEDIA_TYPE_PROBLEM),
};
