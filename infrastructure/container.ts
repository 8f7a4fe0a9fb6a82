import 'reflect-metadata';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { HttpArtifactSource } from '../adapters/output/artifacts/http-artifact-source.js';
import { CronerCalculator } from '../adapters/output/cron/croner-calculator.js';
import { ApiKeyFile, ApiKeyFileError } from '../adapters/output/keys/api-key-file.js';
import { FlinkRestCluster } from '../adapters/output/flink/flink-rest-cluster.js';
import { DrizzleAuditTrail } from '../adapters/output/repository/drizzle-audit-trail.js';
import { DrizzleBackfillRepository } from '../adapters/output/repository/drizzle-backfill-repository.js';
import { DrizzleSavepointRepository } from '../adapters/output/repository/drizzle-savepoint-repository.js';
import { LocalSavepointFiles } from '../adapters/output/savepoints/local-savepoint-files.js';
import { DrizzleExecutionHistory } from '../adapters/output/repository/drizzle-execution-history.js';
import { DrizzleExecutionRepository } from '../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJarUploadRegistry } from '../adapters/output/repository/drizzle-jar-upload-registry.js';
import { DrizzleJobRepository } from '../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleJobVersionRepository } from '../adapters/output/repository/drizzle-job-version-repository.js';
import { DrizzleJobViewReader } from '../adapters/output/repository/drizzle-job-view-reader.js';
import { DrizzleScheduleRepository } from '../adapters/output/repository/drizzle-schedule-repository.js';
import { DrizzleUpgradeRepository } from '../adapters/output/repository/drizzle-upgrade-repository.js';
import { DrizzleUnitOfWork } from '../adapters/output/repository/drizzle-unit-of-work.js';
import { DrizzleDeliveryLog, DrizzleWebhookRepository } from '../adapters/output/repository/drizzle-webhook-repository.js';
import { DrizzleEventOutbox } from '../adapters/output/repository/event-outbox.js';
import { DrizzleDeliveryQueue } from '../adapters/output/repository/webhook-delivery-queue.js';
import type { LeaseTerms } from '../adapters/output/repository/execution-leases.js';
import { loadOrCreateSecret } from '../adapters/output/repository/service-secrets.js';
import { SqlDatabaseStatus } from '../adapters/output/repository/sql-database-status.js';
import { SqlScheduleSignal } from '../adapters/output/repository/sql-schedule-signal.js';
import { SqlRunOverview } from '../adapters/output/repository/sql-run-overview.js';
import { SqlSchedulerTotals } from '../adapters/output/repository/sql-scheduler-totals.js';
import { randomIds } from '../adapters/output/system/random-ids.js';
import { systemClock } from '../adapters/output/system/system-clock.js';
import { HttpWebhookSender } from '../adapters/output/webhooks/http-webhook-sender.js';
import { webhookOutboundPolicy } from '../adapters/output/webhooks/webhook-policy.js';
import type { Clock } from '../domain/ports/output/clock.js';
import type { FlinkCluster } from '../domain/ports/output/flink-cluster.js';
import { AccessService } from '../domain/services/access-service.js';
import { AuditService } from '../domain/services/audit-service.js';
import { BackfillService } from '../domain/services/backfill-service.js';
import { AuditedChanges } from '../domain/services/change-records.js';
import { EventService } from '../domain/services/event-service.js';
import { EventStreamService } from '../domain/services/event-stream-service.js';
import { ExecutionRetentionService } from '../domain/services/executions/execution-retention-service.js';
import { createExecutionUnits } from '../domain/services/executions/execution-units.js';
import { ExceptionHistoryService } from '../domain/services/executions/exception-history.js';
import { HealthService } from '../domain/services/health-service.js';
import { JobDefinitionService } from '../domain/services/job-definition-service.js';
import { JobVersionService } from '../domain/services/job-version-service.js';
import { JobViewService } from '../domain/services/job-view-service.js';
import { RunOverviewService } from '../domain/services/run-overview-service.js';
import { SchedulingService } from '../domain/services/scheduling-service.js';
import { UpgradeRequests } from '../domain/services/upgrades/upgrade-requests.js';
import { WebhookAdministrationService } from '../domain/services/webhooks/webhook-administration.js';
import { TaskQueue } from './background-tasks.js';
import { ConfigError, type AppConfig } from './config.js';
import { openDatabase, type DatabaseLocation, type OpenedDatabase } from './database.js';
import { ExecutionWorker } from './execution-worker.js';
import { createHttpApp } from './http-app.js';
import { createServiceMetrics } from './metrics/service-metrics.js';
import { timeFlinkRequests } from './metrics/timed-flink-cluster.js';
import { serviceVersion, shippedMigrationCount } from './project-files.js';
import { SchedulerLoop } from './scheduler-loop.js';
import { createWebhookWorker } from './webhook-worker.js';
import { TOKENS } from './tokens.js';

export interface ContainerOverrides {
  /** Where the data lives instead of `config.database` (tests use an in-memory PGlite). */
  database?: DatabaseLocation;
  clock?: Clock;
  /** Another Flink cluster adapter (the scheduler benchmark uses a no-op one). */
  flink?: FlinkCluster;
}

/** The secret page tokens are signed with, shared by every replica through the database. */
const PAGE_TOKEN_KEY = 'continuation-token-hmac-key';

/**
 * The composition root: opens the database (migrating it), builds every adapter and use case once, with plain
 * constructors, and registers each against its token. The only place that knows which adapter serves which port.
 */
export async function buildContainer(
  config: AppConfig,
  logger: Logger,
  overrides: ContainerOverrides = {},
): Promise<DependencyContainer> {
  const keys = await openApiKeys(config);
  const database = await openDatabase(overrides.database ?? config.database, config.databaseTimeouts);
  const adapters = { ...buildAdapters(config, database, overrides), keys };
  await adapters.artifacts.tidyCache();
  const pageTokenKey = await loadOrCreateSecret(database.db, PAGE_TOKEN_KEY, adapters.clock.now());
  const services = buildServices(config, logger, adapters, pageTokenKey);
  const container = rootContainer.createChildContainer();
  const values: [symbol, unknown][] = [
    [TOKENS.Config, config],
    [TOKENS.Logger, logger],
    [TOKENS.Database, database],
    [TOKENS.JobDefinitions, services.jobDefinitions],
    [TOKENS.JobExecutions, services.jobExecutions],
    [TOKENS.JobSchedules, services.jobSchedules],
    [TOKENS.ExecutionRetention, services.executionRetention],
    [TOKENS.ScheduleChanges, adapters.scheduleSignal],
    [TOKENS.ServiceHealth, services.health],
    [TOKENS.AuditLog, services.auditLog],
    [TOKENS.EventFeed, services.events],
    [TOKENS.EventStream, services.eventStream],
    [TOKENS.ExecutionWorker, services.worker],
    [TOKENS.SchedulerLoop, services.scheduler],
    [TOKENS.WebhookWorker, services.webhookWorker],
    [TOKENS.HttpApp, services.httpApp],
  ];
  for (const [token, value] of values) container.register(token, { useValue: value });
  // Registered only when configured: tsyringe takes a null value for a class to construct.
  if (keys) container.register(TOKENS.ApiKeys, { useValue: keys });
  return container;
}

/** One instance of each output adapter. */
function buildAdapters(config: AppConfig, database: OpenedDatabase, overrides: ContainerOverrides) {
  const clock = overrides.clock ?? systemClock;
  // An execution's lease outlives a few missed renewals (one per worker poll); a dead instance's executions are
  // taken over when it runs out, at the next poll of a live one.
  const leases: LeaseTerms = { owner: config.instanceId, ttlMs: executionLeaseMs(config), clock };
  const metrics = createServiceMetrics(new SqlSchedulerTotals(database.db), clock);
  const timed = (flink: FlinkCluster) => timeFlinkRequests(flink, metrics.flinkRequests);
  return {
    clock,
    metrics,
    ids: randomIds,
    jobs: new DrizzleJobRepository(database.db),
    versions: new DrizzleJobVersionRepository(database.db),
    jobViewReader: new DrizzleJobViewReader(database.db),
    runOverviewReader: new SqlRunOverview(database.db),
    unitOfWork: new DrizzleUnitOfWork(database.db, leases),
    auditTrail: new DrizzleAuditTrail(database.db),
    outbox: new DrizzleEventOutbox(database.db),
    executions: new DrizzleExecutionRepository(database.db, leases),
    history: new DrizzleExecutionHistory(database.db),
    schedules: new DrizzleScheduleRepository(database.db, leases, database.claims),
    backfills: new DrizzleBackfillRepository(database.db, leases, database.claims),
    savepoints: new DrizzleSavepointRepository(database.db),
    upgrades: new DrizzleUpgradeRepository(database.db),
    savepointFiles: new LocalSavepointFiles(),
    scheduleSignal: new SqlScheduleSignal(database.db, database.listen),
    uploads: new DrizzleJarUploadRegistry(database.db),
    webhooks: new DrizzleWebhookRepository(database.db),
    deliveryLog: new DrizzleDeliveryLog(database.db),
    deliveryQueue: new DrizzleDeliveryQueue(database.db),
    webhookSender: new HttpWebhookSender({
      policy: webhookOutboundPolicy(config.webhookAllowedHosts),
      timeoutMs: config.webhookTimeoutMs,
      now: () => clock.now(),
    }),
    databaseStatus: new SqlDatabaseStatus(database.db, shippedMigrationCount()),
    cron: new CronerCalculator(),
    artifacts: new HttpArtifactSource({
      cacheDir: join(config.dataDir, 'jars'),
      dataProcessorUrl: config.dataProcessorUrl,
      allowedHosts: config.jarAllowedHosts,
      credentials: config.jarFetchCredentials,
      maxBytes: config.jarMaxBytes,
      cacheMaxBytes: config.jarCacheMaxBytes,
    }),
    flink: timed(overrides.flink ?? new FlinkRestCluster({ baseUrl: config.flinkJobManagerUrl })),
    // The health probe's own client: one attempt, bounded by the probe timeout.
    flinkProbe: timed(
      overrides.flink ??
        new FlinkRestCluster({ baseUrl: config.flinkJobManagerUrl, requestTimeoutMs: config.healthProbeTimeoutMs, retries: 0 }),
    ),
  };
}

/** One instance of each use case, and the loops and HTTP app that call them. */
function buildServices(
  config: AppConfig,
  logger: Logger,
  adapters: ReturnType<typeof buildAdapters> & { keys: ApiKeyFile | null },
  pageTokenKey: Buffer,
) {
  const { clock, ids, jobs, schedules, cron, artifacts, metrics } = adapters;
  const changes = new AuditedChanges(adapters.unitOfWork, clock, ids);
  const access = new AccessService(adapters.keys);
  const auditLog = new AuditService(adapters.auditTrail, clock, ids, config.auditRetentionDays);
  const events = new EventService(adapters.outbox, clock, config.eventRetentionDays);
  const eventStream = new EventStreamService(adapters.outbox, adapters.executions, config.eventStreamPollIntervalMs);
  const tasks = new TaskQueue(logger);
  const executionSettings = {
    savepointDir: config.savepointDir,
    stopTimeoutMs: config.stopTimeoutMs,
    unreachableGraceMs: config.flinkUnreachableGraceMs,
    upgradeStableMs: config.upgradeStableMs,
  };
  const executions = createExecutionUnits({ ...adapters, tasks }, executionSettings);
  const jobDefinitions = new JobDefinitionService(jobs, changes, clock, ids, artifacts, cron);
  const jobVersions = new JobVersionService(jobs, adapters.versions, jobDefinitions);
  const jobUpgrades = new UpgradeRequests(
    jobs, adapters.executions, adapters.upgrades, jobDefinitions, jobVersions, executions.definitions, executions.plans, changes,
    (executionId) => executions.follower.request(executionId), executionSettings, clock, ids,
  );
  const jobViews = new JobViewService(adapters.jobViewReader, cron, clock);
  const runOverview = new RunOverviewService(adapters.runOverviewReader, cron, clock);
  const jobSchedules = new SchedulingService(jobs, schedules, changes, cron, clock, ids, adapters.scheduleSignal, executions.queue);
  const jobBackfills = new BackfillService(jobs, schedules, adapters.backfills, changes, cron, clock, ids, adapters.scheduleSignal);
  const health = new HealthService(adapters.databaseStatus, adapters.flinkProbe, serviceVersion);
  const worker = new ExecutionWorker(executions.leases, tasks, logger, config.flinkPollIntervalMs);
  const scheduler = new SchedulerLoop(jobSchedules, executions.queue, clock, logger, config.schedulerPollIntervalMs, metrics.fireLateness, jobBackfills, executions.upgrades);
  const jobExecutions = executions.service;
  const executionExceptions = new ExceptionHistoryService(adapters.executions, adapters.flink);
  const executionRetention = new ExecutionRetentionService(adapters.history, jobs, changes, clock, config.executionRetention);
  const webhookWorker = createWebhookWorker(config, logger, {
    queue: adapters.deliveryQueue, sender: adapters.webhookSender, clock, attempts: metrics.webhookDeliveries,
  });
  const webhooks = new WebhookAdministrationService(
    adapters.webhooks, adapters.deliveryLog, changes, adapters.webhookSender, clock, ids, () => webhookWorker.wake(),
  );
  const streams = { stream: eventStream, heartbeatMs: config.eventStreamHeartbeatMs };
  const httpApp = createHttpApp({
    jobDefinitions, jobVersions, jobUpgrades, jobExecutions, executionExceptions, jobPlans: executions.plans, executionRetention, jobSchedules, jobBackfills, jobSavepoints: executions.savepoints, jobViews, runOverview, health, access, auditLog, events, webhooks, streams, logger, metrics, pageTokenKey,
    console: { flinkWebUrl: config.flinkWebUrl, now: () => clock.now() },
  });
  return { jobDefinitions, jobExecutions, executionRetention, jobSchedules, health, auditLog, events, eventStream, worker, tasks, scheduler, webhookWorker, httpApp };
}

/** The API keys, when a keys file is configured; a file that cannot be used stops the start with one line. */
async function openApiKeys(config: AppConfig): Promise<ApiKeyFile | null> {
  if (!config.apiKeysFile) return null;
  try {
    return await ApiKeyFile.open(config.apiKeysFile);
  } catch (error) {
    if (error instanceof ApiKeyFileError) throw new ConfigError(error.message);
    throw error;
  }
}

/** How long an execution's lease lasts unrenewed: three worker polls, and never under 6 s. */
export function executionLeaseMs(config: Pick<AppConfig, 'flinkPollIntervalMs'>): number {
  return Math.max(6000, 3 * config.flinkPollIntervalMs);
}

export function databaseOf(container: DependencyContainer): OpenedDatabase {
  return container.resolve<OpenedDatabase>(TOKENS.Database);
}
