import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import type { JobSchedules } from '../../../../domain/ports/input/job-schedules.js';
import { rejectInvalid } from '../validation-hook.js';
import type { ExecutionRepresentation } from '../executions/execution-resource.js';
import * as handlers from './handlers.js';
import * as plainRoutes from './routes.js';

/** A job's cron schedule. Mounted at /api/v1. */
export function createSchedulesRouter(schedules: JobSchedules, access: AccessControl, show: ExecutionRepresentation) {
  const routes = guardRoutes(plainRoutes, ACCESS.schedules, access);
  return new OpenAPIHono()
    .openapi(routes.setSchedule, handlers.setSchedule(schedules), rejectInvalid(routes.setSchedule))
    .openapi(routes.getSchedule, handlers.getSchedule(schedules), rejectInvalid(routes.getSchedule))
    .openapi(routes.deleteSchedule, handlers.deleteSchedule(schedules), rejectInvalid(routes.deleteSchedule))
    .openapi(routes.pauseSchedule, handlers.pauseSchedule(schedules), rejectInvalid(routes.pauseSchedule))
    .openapi(routes.resumeSchedule, handlers.resumeSchedule(schedules), rejectInvalid(routes.resumeSchedule))
    .openapi(routes.triggerSchedule, handlers.triggerSchedule(schedules, show), rejectInvalid(routes.triggerSchedule));
}
