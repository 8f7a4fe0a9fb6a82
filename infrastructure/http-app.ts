import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { recordRefusals } from '../adapters/input/http/access/refusals.js';
import { createAuditRouter } from '../adapters/input/http/audit/router.js';
import { createBackfillsRouter } from '../adapters/input/http/backfills/router.js';
import { createSavepointsRouter } from '../adapters/input/http/savepoints/router.js';
import { ContinuationTokens } from '../adapters/input/http/continuation-token.js';
import { createDocsRouter } from '../adapters/input/http/docs/router.js';
import { createEventsRouter, type EventStreamSettings } from '../adapters/input/http/events/router.js';
import { executionRepresentation } from '../adapters/input/http/executions/execution-resource.js';
import { createExecutionsRouter } from '../adapters/input/http/executions/router.js';
import { createExceptionsRouter } from '../adapters/input/http/exceptions/router.js';
import { createPlansRouter } from '../adapters/input/http/plans/router.js';
import { createHealthRouter } from '../adapters/input/http/health/router.js';
import { createJobVersionsRouter } from '../adapters/input/http/job-versions/router.js';
import { createUpgradesRouter } from '../adapters/input/http/upgrades/router.js';
import { jobResources } from '../adapters/input/http/jobs/handlers.js';
import { createJobsRouter } from '../adapters/input/http/jobs/router.js';
import { createMetricsRouter } from '../adapters/input/http/metrics/router.js';
import { createSchedulesRouter } from '../adapters/input/http/schedules/router.js';
import { createConsoleRouter } from '../adapters/input/http/ui/router.js';
import { createSummaryRouter } from '../adapters/input/http/summary/router.js';
import { problemFor, problemResponse } from '../adapters/input/http/problem.js';
import { rejectUnstorableQuery } from '../adapters/input/http/storable-input.js';
import { unmatchedRoute } from '../adapters/input/http/unmatched-route.js';
import { createWebhooksRouter } from '../adapters/input/http/webhooks/router.js';
import type { AccessControl } from '../domain/ports/input/access-control.js';
import type { AuditLog } from '../domain/ports/input/audit-log.js';
import type { EventFeed } from '../domain/ports/input/event-feed.js';
import type { JobBackfills } from '../domain/ports/input/job-backfills.js';
import type { JobSavepoints } from '../domain/ports/input/job-savepoints.js';
import type { JobDefinitions } from '../domain/ports/input/job-definitions.js';
import type { JobExecutions } from '../domain/ports/input/job-executions.js';
import type { ExecutionExceptions } from '../domain/ports/input/execution-exceptions.js';
import type { JobPlans } from '../domain/ports/input/job-plans.js';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { JobUpgrades } from '../domain/ports/input/job-upgrades.js';
import type { JobVersions } from '../domain/ports/input/job-versions.js';
import type { JobViews } from '../domain/ports/input/job-views.js';
import type { RunOverview } from '../domain/ports/input/run-overview.js';
import type { ServiceHealth } from '../domain/ports/input/service-health.js';
import type { WebhookAdministration } from '../domain/ports/input/webhooks.js';
import type { ExecutionRetention } from '../domain/ports/input/execution-retention.js';
import { requestContext } from './logging.js';
import { timeHttpRequests } from './metrics/http-request-metrics.js';
import type { ServiceMetrics } from './metrics/service-metrics.js';
import { serviceVersion } from './project-files.js';

export interface HttpAppDependencies {
  jobDefinitions: JobDefinitions;
  jobVersions: JobVersions;
  jobUpgrades: JobUpgrades;
  jobExecutions: JobExecutions;
  executionExceptions: ExecutionExceptions;
  /** The pre-flight check of a job's graph. */
  jobPlans: JobPlans;
  executionRetention: ExecutionRetention;
  jobSchedules: JobSchedules;
  jobBackfills: JobBackfills;
  jobSavepoints: JobSavepoints;
  jobViews: JobViews;
  /** Runs of all jobs, and the summary. */
  runOverview: RunOverview;
  health: ServiceHealth;
  access: AccessControl;
  auditLog: AuditLog;
  events: EventFeed;
  webhooks: WebhookAdministration;
  /** The live event streams, and how often they send a heartbeat. */
  streams: EventStreamSettings;
  logger: Logger;
  metrics: Pick<ServiceMetrics, 'exposition' | 'httpRequests'>;
  /** The key page tokens are signed with: the same on every replica. */
  pageTokenKey: Uint8Array;
  /** Where Flink's web UI is (the console links to it, executions show `flinkWebUrl`), and the console's time for runs still going on. */
  console: { flinkWebUrl: string; now: () => Date };
}

/** A caller's request id is kept if it is a sane token; anything else is replaced so it cannot pollute logs. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:@=+/-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id`, else a new UUID), echoes it on the response, tags every
 * log line written while serving the request with it, and logs one line per request.
 */
function requestIdentity(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const offered = c.req.header('X-Request-Id');
    const requestId = offered && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
    const started = performance.now();
    c.set('requestId', requestId);
    await requestContext.run({ requestId }, async () => {
      await next();
      c.res.headers.set('X-Request-Id', requestId);
      logger.info(
        {
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          // The key's name, never the key.
          actor: c.get('actor')?.name,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'request served',
      );
    });
  };
}

export function createHttpApp(dependencies: HttpAppDependencies) {
  const { jobDefinitions, jobExecutions, jobSchedules, health, access, auditLog, logger } = dependencies;
  const pageTokens = new ContinuationTokens(dependencies.pageTokenKey);
  const app = new OpenAPIHono();
  app.use('*', timeHttpRequests(dependencies.metrics.httpRequests));
  app.use('*', requestIdentity(logger));
  const auditFailed = (error: unknown) => logger.warn({ err: error }, 'could not record a refused request in the audit trail');
  app.use('*', recordRefusals(access, auditLog, auditFailed));
  app.use('/api/*', rejectUnstorableQuery);

  app.route('/', createHealthRouter(health, access));
  app.route('/', createMetricsRouter(dependencies.metrics.exposition, access));
  app.route('/', createDocsRouter(access));
  app.route('/api/v1/jobs', createJobsRouter(jobDefinitions, dependencies.jobUpgrades, dependencies.jobViews, jobExecutions, jobSchedules, pageTokens, access));
  const toJobResources = jobResources(jobExecutions, jobSchedules);
  const show = executionRepresentation(dependencies.console.flinkWebUrl);
  app.route('/api/v1', createJobVersionsRouter(dependencies.jobVersions, dependencies.jobUpgrades, toJobResources, pageTokens, access));
  app.route(
    '/api/v1',
    createExecutionsRouter(jobExecutions, dependencies.executionRetention, dependencies.runOverview, pageTokens, access, show),
  );
  app.route('/api/v1', createExceptionsRouter(dependencies.executionExceptions, access));
  app.route('/api/v1', createPlansRouter(dependencies.jobPlans, access));
  app.route('/api/v1', createSummaryRouter(dependencies.runOverview, access));
  app.route('/api/v1', createSchedulesRouter(jobSchedules, access, show));
  app.route('/api/v1', createBackfillsRouter(dependencies.jobBackfills, access));
  app.route('/api/v1', createSavepointsRouter(dependencies.jobSavepoints, pageTokens, access));
  app.route('/api/v1', createUpgradesRouter(dependencies.jobUpgrades, pageTokens, access));
  app.route('/api/v1', createAuditRouter(auditLog, pageTokens, access));
  app.route('/api/v1', createEventsRouter(dependencies.events, dependencies.streams, access));
  app.route('/api/v1', createWebhooksRouter(dependencies.webhooks, pageTokens, access));
  app.route('/ui', createConsoleRouter({ ...dependencies.console, jobViews: dependencies.jobViews, jobExecutions, pageTokens, access }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key made with `npm run keys:create -- <name> <role>`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Flink job scheduler', version: serviceVersion },
  });

  app.notFound(unmatchedRoute(app.routes));
  app.onError((error, c) => {
    const { problem, isExpected } = problemFor(error);
    if (!isExpected) logger.error({ err: error }, 'request failed');
    return problemResponse(c, problem);
  });
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;
