import { z, type RouteHandler } from '@hono/zod-openapi';
import type { JobVersions } from '../../../../domain/ports/input/job-versions.js';
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

export function rollbackJob(versions: JobVersions, toResources: JobResources): RouteHandler<typeof routes.rollbackJob> {
  return async (c) => {
    const version = expectedVersion(c.req.header('If-Match'));
    const { id } = c.req.valid('param');
    const job = await versions.rollbackJob(id, c.req.valid('json').version, auditContext(c, 200), version);
    c.header('ETag', `"${job.version}"`);
    const [resource] = await toResources([job]);
    return c.json(resource!, 200);
  };
}
