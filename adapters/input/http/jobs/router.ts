import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { JobDefinitions } from '../../../../domain/ports/input/job-definitions.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { JobSchedules } from '../../../../domain/ports/input/job-schedules.js';
import type { JobUpgrades } from '../../../../domain/ports/input/job-upgrades.js';
import type { JobViews } from '../../../../domain/ports/input/job-views.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { rejectInvalid } from '../validation-hook.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** Job definitions. Mounted at /api/v1/jobs. */
export function createJobsRouter(
  jobDefinitions: JobDefinitions,
  jobUpgrades: JobUpgrades,
  jobViews: JobViews,
  jobExecutions: Pick<JobExecutions, 'lastExecutions'>,
  jobSchedules: Pick<JobSchedules, 'schedulesFor'>,
  pageTokens: ContinuationTokens,
  access: AccessControl,
) {
  const routes = guardRoutes(plainRoutes, ACCESS.jobs, access);
  const toResources = handlers.jobResources(jobExecutions, jobSchedules);
  return new OpenAPIHono()
    .openapi(routes.createJob, handlers.createJob(jobDefinitions), rejectInvalid(routes.createJob))
    .openapi(routes.listJobs, handlers.listJobs(jobViews, pageTokens), rejectInvalid(routes.listJobs))
    .openapi(routes.getJob, handlers.getJob(jobViews), rejectInvalid(routes.getJob))
    .openapi(routes.replaceJob, handlers.replaceJob(jobUpgrades, toResources), rejectInvalid(routes.replaceJob))
    .openapi(routes.deleteJob, handlers.deleteJob(jobDefinitions), rejectInvalid(routes.deleteJob));
}
