import type { RouteHandler } from '@hono/zod-openapi';
import type { Job } from '../../../../domain/entities/job.js';
import type { JobDefinitions } from '../../../../domain/ports/input/job-definitions.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { JobSchedules } from '../../../../domain/ports/input/job-schedules.js';
import type { JobUpgrades } from '../../../../domain/ports/input/job-upgrades.js';
import { toChangeResource } from '../upgrades/change-resource.js';
import type { JobViews } from '../../../../domain/ports/input/job-views.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { expectedVersion } from '../if-match.js';
import { auditContext } from '../request-context.js';
import { readJobPage } from './job-page.js';
import { toJobResource, toJobViewResource, type JobResource } from './job-resource.js';
import type * as routes from './routes.js';

/** Jobs just written, as served: each with a summary of its newest execution and its schedule. */
export type JobResources = (jobs: Job[]) => Promise<JobResource[]>;

export function jobResources(
  jobExecutions: Pick<JobExecutions, 'lastExecutions'>,
  jobSchedules: Pick<JobSchedules, 'schedulesFor'>,
): JobResources {
  return async (jobs) => {
    const ids = jobs.map((job) => job.id);
    const [last, schedules] = await Promise.all([jobExecutions.lastExecutions(ids), jobSchedules.schedulesFor(ids)]);
    return jobs.map((job) => toJobResource(job, last.get(job.id), schedules.get(job.id)));
  };
}

export function createJob(jobDefinitions: JobDefinitions): RouteHandler<typeof routes.createJob> {
  return async (c) => {
    const job = await jobDefinitions.createJob(c.req.valid('json'), auditContext(c, 201));
    c.header('Location', `/api/v1/jobs/${job.id}`);
    c.header('ETag', `"${job.version}"`);
    return c.json(toJobResource(job, undefined, undefined), 201);
  };
}

export function listJobs(jobViews: JobViews, pageTokens: ContinuationTokens): RouteHandler<typeof routes.listJobs> {
  return async (c) => {
    const query = c.req.valid('query');
    const labels = Object.fromEntries(query.label);
    const page = await readJobPage(jobViews, pageTokens, { ...query, labels });
    return c.json({ jobs: page.jobs.map(toJobViewResource), nextContinuationToken: page.nextContinuationToken }, 200);
  };
}

export function getJob(jobViews: JobViews): RouteHandler<typeof routes.getJob> {
  return async (c) => {
    const view = await jobViews.getJobView(c.req.valid('param').id);
    c.header('ETag', `"${view.job.version}"`);
    return c.json(toJobViewResource(view), 200);
  };
}

export function replaceJob(upgrades: JobUpgrades, toResources: JobResources): RouteHandler<typeof routes.replaceJob> {
  return async (c) => {
    const { upgrade } = c.req.valid('query');
    const options = { expectedVersion: expectedVersion(c.req.header('If-Match')), upgrade };
    const change = await upgrades.replaceJob(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 200), options);
    c.header('ETag', `"${change.job.version}"`);
    const [resource] = await toResources([change.job]);
    return c.json(toChangeResource(change, resource!, upgrade), 200);
  };
}

export function deleteJob(jobDefinitions: JobDefinitions): RouteHandler<typeof routes.deleteJob> {
  return async (c) => {
    await jobDefinitions.deleteJob(c.req.valid('param').id, auditContext(c, 204));
    return c.body(null, 204);
  };
}
