import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { JobSavepoints } from '../../../../domain/ports/input/job-savepoints.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** The savepoint catalog. Mounted at /api/v1. */
export function createSavepointsRouter(savepoints: JobSavepoints, pageTokens: ContinuationTokens, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.savepoints, access);
  return new OpenAPIHono()
    .openapi(routes.triggerSavepoint, handlers.triggerSavepoint(savepoints), rejectInvalid(routes.triggerSavepoint))
    .openapi(routes.listSavepoints, handlers.listSavepoints(savepoints, pageTokens), rejectInvalid(routes.listSavepoints))
    .openapi(routes.getSavepoint, handlers.getSavepoint(savepoints), rejectInvalid(routes.getSavepoint))
    .openapi(routes.disposeSavepoint, handlers.disposeSavepoint(savepoints), rejectInvalid(routes.disposeSavepoint));
}
