import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { JobUpgrades } from '../../../../domain/ports/input/job-upgrades.js';
import type { JobVersions } from '../../../../domain/ports/input/job-versions.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ContinuationTokens } from '../continuation-token.js';
import type { JobResources } from '../jobs/handlers.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** A job's versions and its rollback. Mounted at /api/v1. */
export function createJobVersionsRouter(
  versions: JobVersions,
  upgrades: JobUpgrades,
  toResources: JobResources,
  pageTokens: ContinuationTokens,
  access: AccessControl,
) {
  const routes = guardRoutes(plainRoutes, ACCESS.versions, access);
  return new OpenAPIHono()
    .openapi(routes.listVersions, handlers.listVersions(versions, pageTokens), rejectInvalid(routes.listVersions))
    .openapi(routes.getVersion, handlers.getVersion(versions), rejectInvalid(routes.getVersion))
    .openapi(routes.rollbackJob, handlers.rollbackJob(upgrades, toResources), rejectInvalid(routes.rollbackJob));
}
