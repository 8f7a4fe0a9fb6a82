import { z } from '@hono/zod-openapi';

/** A JSON response in a route's declaration. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A problem response in a route's declaration. */
export function problemDoc(description: string) {
  return {
    description,
    content: {
      'application/problem+json': { schema: z.object({ code: z.string(), detail: z.string() }).passthrough() },
    },
  };
}

/** What every route that takes a JSON body may answer before its schema is checked. */
export const bodyProblems = {
  413: problemDoc('Body above 1 MiB'),
  415: problemDoc('Body is not JSON'),
};
