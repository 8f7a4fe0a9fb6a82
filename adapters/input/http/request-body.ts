import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpProblem } from './problem.js';
import { rejectUnstorableJson } from './storable-input.js';

const MAX_BODY_BYTES = 1024 * 1024;

// The media types @hono/zod-openapi's own gate lets through, so that every refusal is ours, with our code.
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

const limitBody = bodyLimit({
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

/**
 * Rejects other media types, bad JSON, and JSON with strings that cannot be stored; reading the text once leaves
 * it cached for the route's validator.
 */
function requireJson(c: Context, text: string): void {
  const contentType = c.req.header('Content-Type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpProblem({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      title: 'Unsupported media type',
      detail: `Expected Content-Type application/json, got ${contentType ? `'${contentType}'` : 'none'}`,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem({
      status: 400,
      code: 'MALFORMED_JSON',
      title: 'Malformed JSON',
      detail: `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  rejectUnstorableJson(document);
}

const parseJson: MiddlewareHandler = async (c, next) => {
  requireJson(c, await c.req.text());
  await next();
};

/**
 * A blank body reads as none: the request loses it and its Content-Type, and the validator of a body declared
 * `required: false` (@hono/zod-openapi) then hands the handler `{}` without looking further.
 */
const parseOptionalJson: MiddlewareHandler = async (c, next) => {
  const text = await c.req.text();
  if (text.trim() === '') c.req.raw = withoutBody(c.req.raw);
  else requireJson(c, text);
  await next();
};

function withoutBody(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of ['Content-Type', 'Content-Length', 'Transfer-Encoding']) headers.delete(name);
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}

/** A route's JSON body, for its `request.body`; the route's `middleware` must be `jsonBodyChecks`. */
export const jsonBody = <T extends z.ZodType>(schema: T) =>
  ({ required: true, content: { 'application/json': { schema } } }) as const;

/** A JSON body that may be left out or blank (then `{}`); the route's `middleware` must be `optionalJsonBodyChecks`. */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) =>
  ({ required: false, content: { 'application/json': { schema } } }) as const;

/** The body of an action that takes no options: left out, blank or `{}`; anything else is a 400. */
export const noOptionsBody = optionalJsonBody(z.strictObject({}).openapi('NoOptions', { example: {} }));

/** Size cap (413), media type (415), JSON syntax and storable text (400) before the route's validator checks the schema. */
export const jsonBodyChecks: MiddlewareHandler[] = [limitBody, parseJson];
export const optionalJsonBodyChecks: MiddlewareHandler[] = [limitBody, parseOptionalJson];
