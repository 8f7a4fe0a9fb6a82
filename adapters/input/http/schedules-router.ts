import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { JobSchedules } from '../../../domain/ports/input/job-schedules.js';
import { JobIdParams } from './path-params.js';
import { problemDoc } from './problem.js';
import { jsonBody, limitBody, optionalJsonBody } from './request-body.js';
import { PauseRequestSchema, ScheduleRequestSchema, ScheduleSchema, toScheduleResource } from './schedule-schemas.js';
import { rejectInvalid } from './validation-hook.js';

const scheduleResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ScheduleSchema } },
});
const SCHEDULE_FIELDS = ['cron', 'timezone', 'overlapPolicy', 'catchupWindowSeconds', 'jitterSeconds', 'startAt', 'endAt', 'paused'];

/** A job's cron schedule. Mounted at /api/v1. */
export function createSchedulesRouter(schedules: JobSchedules) {
  const router = new OpenAPIHono({ defaultHook: rejectInvalid(SCHEDULE_FIELDS) });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{id}/schedule',
      summary: "Set (or replace) a job's cron schedule",
      middleware: jsonBody,
      request: { params: JobIdParams, body: { required: true, content: { 'application/json': { schema: ScheduleRequestSchema } } } },
      responses: {
        200: scheduleResponse('The schedule with its next five fire times'),
        400: problemDoc('Bad cron, time zone, dates or numbers'),
        404: problemDoc('JOB_NOT_FOUND'),
        415: problemDoc('Body is not JSON'),
      },
    }),
    async (c) => c.json(toScheduleResource(await schedules.setSchedule(c.req.valid('param').id, c.req.valid('json'))), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/{id}/schedule',
      summary: "A job's schedule, next fire times and counters",
      request: { params: JobIdParams },
      responses: { 200: scheduleResponse('The schedule'), 404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND') },
    }),
    async (c) => c.json(toScheduleResource(await schedules.getSchedule(c.req.valid('param').id)), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/jobs/{id}/schedule',
      summary: "Remove a job's schedule",
      request: { params: JobIdParams },
      responses: { 204: { description: 'Removed' }, 404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND') },
    }),
    async (c) => {
      await schedules.deleteSchedule(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{id}/schedule/pause',
      summary: 'Pause a schedule (optional body {"note": "..."})',
      middleware: [limitBody],
      request: { params: JobIdParams },
      responses: { 200: scheduleResponse('The paused schedule'), 400: problemDoc('Bad body'), 404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND') },
    }),
    async (c) => {
      const { note } = await optionalJsonBody(c, PauseRequestSchema, ['note']);
      return c.json(toScheduleResource(await schedules.pauseSchedule(c.req.valid('param').id, note ?? null)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{id}/schedule/resume',
      summary: 'Resume a paused schedule; ticks that fell in the pause do not run',
      request: { params: JobIdParams },
      responses: { 200: scheduleResponse('The running schedule'), 404: problemDoc('JOB_NOT_FOUND or SCHEDULE_NOT_FOUND') },
    }),
    async (c) => c.json(toScheduleResource(await schedules.resumeSchedule(c.req.valid('param').id)), 200),
  );

  return router;
}
