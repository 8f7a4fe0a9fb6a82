import type { Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { validationFailure } from './request-body.js';

/** The routers' `defaultHook`: a failed validation becomes a 400 naming each bad field. */
export function rejectInvalid(knownFields: readonly string[]): Hook<unknown, Env, string, unknown> {
  return (result) => {
    if (!result.success) throw validationFailure(result.error, knownFields);
  };
}
