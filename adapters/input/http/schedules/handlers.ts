import type { RouteHandler } from '@hono/zod-openapi';
import type { JobSchedules } from '../../../../domain/ports/input/job-schedules.js';
import { auditContext } from '../request-context.js';
import { locationOf, type ExecutionRepresentation } from '../executions/execution-resource.js';
import { toScheduleResource } from './schedule-resource.js';
import type * as routes from './routes.js';

export function setSchedule(schedules: JobSchedules): RouteHandler<typeof routes.setSchedule> {
  return async (c) => {
    const schedule = await schedules.setSchedule(c.req.valid('param').id, c.req.valid('json'), auditContext(c, 200));
    return c.json(toScheduleResource(schedule), 200);
  };
}

export function getSchedule(schedules: JobSchedules): RouteHandler<typeof routes.getSchedule> {
  return async (c) => c.json(toScheduleResource(await schedules.getSchedule(c.req.valid('param').id)), 200);
}

export function deleteSchedule(schedules: JobSchedules): RouteHandler<typeof routes.deleteSchedule> {
  return async (c) => {
    await schedules.deleteSchedule(c.req.valid('param').id, auditContext(c, 204));
    return c.body(null, 204);
  };
}

export function pauseSchedule(schedules: JobSchedules): RouteHandler<typeof routes.pauseSchedule> {
  return async (c) => {
    const { note } = c.req.valid('json');
    const schedule = await schedules.pauseSchedule(c.req.valid('param').id, note, auditContext(c, 200));
    return c.json(toScheduleResource(schedule), 200);
  };
}

export function resumeSchedule(schedules: JobSchedules): RouteHandler<typeof routes.resumeSchedule> {
  return async (c) => {
    const schedule = await schedules.resumeSchedule(c.req.valid('param').id, auditContext(c, 200));
    return c.json(toScheduleResource(schedule), 200);
  };
}

export function triggerSchedule(schedules: JobSchedules, show: ExecutionRepresentation): RouteHandler<typeof routes.triggerSchedule> {
  return async (c) => {
    const execution = await schedules.triggerSchedule(c.req.valid('param').id, auditContext(c, 202));
    c.header('Location', locationOf(execution));
    return c.json(show(execution), 202);
  };
}
