import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { ExecutionRetention } from '../../../../domain/ports/input/execution-retention.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { RunOverview } from '../../../../domain/ports/input/run-overview.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { rejectInvalid } from '../validation-hook.js';
import type { ExecutionRepresentation } from './execution-resource.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** Starting and stopping executions of a job, and reading their history. Mounted at /api/v1. */
export function createExecutionsRouter(
  jobExecutions: JobExecutions,
  retention: ExecutionRetention,
  overview: RunOverview,
  pageTokens: ContinuationTokens,
  access: AccessControl,
  show: ExecutionRepresentation,
) {
  const routes = guardRoutes(plainRoutes, ACCESS.executions, access);
  return new OpenAPIHono()
    .openapi(routes.startJob, handlers.startJob(jobExecutions, show), rejectInvalid(routes.startJob))
    .openapi(routes.stopJob, handlers.stopJob(jobExecutions, show), rejectInvalid(routes.stopJob))
    .openapi(routes.listExecutions, handlers.listExecutions(jobExecutions, pageTokens, show), rejectInvalid(routes.listExecutions))
    .openapi(routes.listAllExecutions, handlers.listAllExecutions(overview, pageTokens, show), rejectInvalid(routes.listAllExecutions))
    .openapi(routes.retryExecution, handlers.retryExecution(jobExecutions, show), rejectInvalid(routes.retryExecution))
    .openapi(routes.getExecution, handlers.getExecution(jobExecutions, show), rejectInvalid(routes.getExecution))
    .openapi(routes.purgeExecutions, handlers.purgeExecutions(retention), rejectInvalid(routes.purgeExecutions));
}
