import { OpenAPIHono, type RouteHandler } from '@hono/zod-openapi';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import type { JobPlans } from '../../../../domain/ports/input/job-plans.js';
import { PlanRefusedError } from '../../../../domain/plan-errors.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { rejectInvalid } from '../validation-hook.js';
import * as plainRoutes from './routes.js';

/** A job's pre-flight check. Mounted at /api/v1. */
export function createPlansRouter(plans: JobPlans, access: AccessControl) {
  const routes = guardRoutes(plainRoutes, ACCESS.plans, access);
  return new OpenAPIHono().openapi(routes.checkPlan, checkPlan(plans), rejectInvalid(routes.checkPlan));
}

function checkPlan(plans: JobPlans): RouteHandler<typeof plainRoutes.checkPlan> {
  return async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await plans.check(id, c.req.valid('json').definition);
    if (!outcome.ok) throw new PlanRefusedError(outcome.code, id, outcome.cause);
    return c.json({ ok: true as const, plan: outcome.plan }, 200);
  };
}
