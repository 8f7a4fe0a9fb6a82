import { OpenAPIHono, type RouteHandler } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { ExecutionExceptions } from '../../../../domain/ports/input/execution-exceptions.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import { toExecutionExceptions } from './exception-resource.js';
import * as plainRoutes from './routes.js';

/** What Flink kept of a run's failures. Mounted at /api/v1. */
export function createExceptionsRouter(exceptions: ExecutionExceptions, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.exceptions, access);
  return new OpenAPIHono().openapi(
    routes.getExecutionExceptions,
    getExecutionExceptions(exceptions),
    rejectInvalid(routes.getExecutionExceptions),
  );
}

function getExecutionExceptions(exceptions: ExecutionExceptions): RouteHandler<typeof plainRoutes.getExecutionExceptions> {
  return async (c) => c.json(toExecutionExceptions(await exceptions.exceptionsOf(c.req.valid('param').executionId)), 200);
}
