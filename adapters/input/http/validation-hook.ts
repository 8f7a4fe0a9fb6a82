import { z, type Hook, type RouteConfig } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { fieldPath, HttpProblem, validationProblem, type FieldError } from './problem.js';

// A missing field reads "required" rather than zod's "expected string, received undefined".
z.config({
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
});

/**
 * A route's validation hook: a failed check of its params, query or body becomes a 400 naming each bad field. An
 * unknown field is matched against that route's own fields, so a typo such as `entry_class` is caught and explained.
 */
export function rejectInvalid(route: RouteConfig): Hook<unknown, Env, string, undefined> {
  const knownFields = requestFields(route);
  return (result) => {
    if (!result.success) throw new HttpProblem(validationProblem(fieldErrors(result.error, knownFields)));
  };
}

function requestFields({ request }: RouteConfig): string[] {
  const body = request?.body?.content['application/json'];
  return [...fieldNames(request?.query), ...fieldNames(body && 'schema' in body ? body.schema : undefined)];
}

function fieldNames(schema: unknown): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return fieldNames(schema.in);
  return [];
}

/** Field-by-field errors from a zod failure; an unknown field is named with the known field it most likely meant. */
function fieldErrors(error: z.ZodError, knownFields: readonly string[]): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const meant = knownFields.find((field) => normalize(field) === normalize(key));
        return {
          path: path ? `${path}.${key}` : key,
          message: meant ? `unknown field; did you mean '${meant}'?` : 'unknown field',
        };
      });
    }
    return [{ path, message: issue.message }];
  });
}

function normalize(field: string): string {
  return field.toLowerCase().replace(/[-_]/g, '');
}
