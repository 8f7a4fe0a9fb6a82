import { z, type RouteHandler } from '@hono/zod-openapi';
import type { JobUpgrades } from '../../../../domain/ports/input/job-upgrades.js';
import type { JobVersions } from '../../../../domain/ports/input/job-versions.js';
import { toChangeResource } from '../upgrades/change-resource.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { expectedVersion } from '../if-match.js';
import type { JobResources } from '../jobs/handlers.js';
import { auditContext } from '../request-context.js';
import type * as routes from './routes.js';
import { toJobVersionResource } from './version-resource.js';

const PagePosition = z.object({ version: z.number().int().min(1) });

export function listVersions(versions: JobVersions, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listVersions> {
  return async (c) => {
    const jobId = c.req.valid('param').id;
    const { limit, continuationToken } = c.req.valid('query');
    const filters = { jobId };
    const before = continuationToken ? pageTokens.decode(continuationToken, filters, PagePosition).version : undefined;
    const page = await versions.listVersions(jobId, { limit, before });
    const nextContinuationToken = page.next === undefined ? null : pageTokens.encode({ version: page.next }, filters);
    return c.json({ versions: page.versions.map(toJobVersionResource), nextContinuationToken }, 200);
  };
}

export function getVersion(versions: JobVersions): RouteHandler<typeof routes.getVersion> {
  return async (c) => {
    const { id, version } = c.req.valid('param');
    return c.json(toJobVersionResource(await versions.getVersion(id, version)), 200);
  };
}

export function rollbackJob(upgrades: JobUpgrades, toResources: JobResources): RouteHandler<typeof routes.rollbackJob> {
  return async (c) => {
    const { upgrade } = c.req.valid('query');
    const options = { expectedVersion: expectedVersion(c.req.header('If-Match')), upgrade };
    const change = await upgrades.rollbackJob(c.req.valid('param').id, c.req.valid('json').version, auditContext(c, 200), options);
    c.header('ETag', `"${change.job.version}"`);
    const [resource] = await toResources([change.job]);
    return c.json(toChangeResource(change, resource!, upgrade), 200);
  };
}
