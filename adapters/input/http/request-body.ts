import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z, ZodError } from 'zod';
import { HttpProblem, validationProblem, type FieldError } from './problem.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HttpProblem({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      title: 'Request body too large',
      detail: `The request body exceeds ${MAX_BODY_BYTES} bytes`,
    });
  },
});

function requireJsonMediaType(c: Context): void {
  const contentType = c.req.header('Content-Type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpProblem({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      title: 'Unsupported media type',
      detail: `Expected Content-Type application/json, got ${contentType ? `'${contentType}'` : 'none'}`,
    });
  }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpProblem({
      status: 400,
      code: 'MALFORMED_JSON',
      title: 'Malformed JSON',
      detail: `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** Parses the body as JSON once, so the validator that follows sees it; rejects other media types and bad JSON. */
const parseJson: MiddlewareHandler = async (c, next) => {
  requireJsonMediaType(c);
  parseJsonText(await c.req.text());
  await next();
};

/**
 * For routes whose body may be left out: no body (or only whitespace) reads as `{}`; a body present must be JSON
 * of the given schema. Use after `limitBody`.
 */
export async function optionalJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  knownFields: readonly string[],
): Promise<z.output<T>> {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== '') {
    requireJsonMediaType(c);
    body = parseJsonText(text);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationFailure(parsed.error, knownFields);
  return parsed.data;
}

/** Middleware for routes that take a JSON body: size cap, media type, JSON syntax; then the route's schema. */
export const jsonBody: MiddlewareHandler[] = [limitBody, parseJson];

/**
 * Field-by-field errors from a zod failure. An unknown field is reported by name, with the known field it most
 * likely meant, so a typo such as `entry_class` is caught rather than silently dropped.
 */
export function fieldErrors(error: ZodError, knownFields: readonly string[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = formatPath(issue.path);
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

export function validationFailure(error: ZodError, knownFields?: readonly string[]): HttpProblem {
  return new HttpProblem(validationProblem(fieldErrors(error, knownFields)));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}

function normalize(field: string): string {
  return field.toLowerCase().replace(/[-_]/g, '');
}
