import { OpenAPIHono, type RouteHandler } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { JobUpgrades } from '../../../../domain/ports/input/job-upgrades.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { PagePosition } from '../executions/execution-page.js';
import { rejectInvalid } from '../validation-hook.js';
import * as plainRoutes from './routes.js';
import { toUpgradeResource } from './upgrade-resource.js';

/** Upgrades of running jobs, to read. Mounted at /api/v1. */
export function createUpgradesRouter(upgrades: JobUpgrades, pageTokens: ContinuationTokens, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.upgrades, access);
  return new OpenAPIHono()
    .openapi(routes.listUpgrades, listUpgrades(upgrades, pageTokens), rejectInvalid(routes.listUpgrades))
    .openapi(routes.getUpgrade, getUpgrade(upgrades), rejectInvalid(routes.getUpgrade));
}

function listUpgrades(upgrades: JobUpgrades, pageTokens: ContinuationTokens): RouteHandler<typeof plainRoutes.listUpgrades> {
  return async (c) => {
    const jobId = c.req.valid('param').id;
    const { limit, continuationToken } = c.req.valid('query');
    const filters = { jobId };
    const after = continuationToken ? pageTokens.decode(continuationToken, filters, PagePosition) : undefined;
    const page = await upgrades.listUpgrades(jobId, { limit, after });
    const nextContinuationToken = page.next
      ? pageTokens.encode({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }, filters)
      : null;
    return c.json({ upgrades: page.upgrades.map(toUpgradeResource), nextContinuationToken }, 200);
  };
}

function getUpgrade(upgrades: JobUpgrades): RouteHandler<typeof plainRoutes.getUpgrade> {
  return async (c) => c.json(toUpgradeResource(await upgrades.getUpgrade(c.req.valid('param').upgradeId)), 200);
}
