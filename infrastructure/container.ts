import 'reflect-metadata';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { HttpArtifactSource } from '../adapters/output/artifacts/http-artifact-source.js';
import { CronerCalculator } from '../adapters/output/cron/croner-calculator.js';
import { FlinkRestCluster } from '../adapters/output/flink/flink-rest-cluster.js';
import { DrizzleExecutionRepository } from '../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJarUploadRegistry } from '../adapters/output/repository/drizzle-jar-upload-registry.js';
import { DrizzleJobRepository } from '../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleScheduleRepository } from '../adapters/output/repository/drizzle-schedule-repository.js';
import type { LeaseTerms } from '../adapters/output/repository/execution-leases.js';
import { SqlDatabaseStatus } from '../adapters/output/repository/sql-database-status.js';
import { SqlScheduleSignal } from '../adapters/output/repository/sql-schedule-signal.js';
import { randomIds } from '../adapters/output/system/random-ids.js';
import { systemClock } from '../adapters/output/system/system-clock.js';
import type { ArtifactSource } from '../domain/ports/output/artifact-source.js';
import type { Clock } from '../domain/ports/output/clock.js';
import type { ExecutionRepository } from '../domain/ports/output/execution-repository.js';
import type { FlinkCluster } from '../domain/ports/output/flink-cluster.js';
import type { JarUploadRegistry } from '../domain/ports/output/jar-upload-registry.js';
import type { DatabaseStatus } from '../domain/ports/output/database-status.js';
import type { IdGenerator } from '../domain/ports/output/id-generator.js';
import type { JobRepository } from '../domain/ports/output/job-repository.js';
import type { JobDefinitions } from '../domain/ports/input/job-definitions.js';
import type { JobExecutions } from '../domain/ports/input/job-executions.js';
import type { JobSchedules } from '../domain/ports/input/job-schedules.js';
import type { QueuedExecutions } from '../domain/ports/input/queued-executions.js';
import type { CronCalculator } from '../domain/ports/output/cron-calculator.js';
import type { ScheduleChangeSignal } from '../domain/ports/output/schedule-change-signal.js';
import type { ScheduleRepository } from '../domain/ports/output/schedule-repository.js';
import { SchedulingService } from '../domain/services/scheduling-service.js';
import { ExecutionQueue } from '../domain/services/run-queue.js';
import type { ServiceHealth } from '../domain/ports/input/service-health.js';
import { ExecutionRunner } from '../domain/services/execution-runner.js';
import { ExecutionService } from '../domain/services/execution-service.js';
import type { ExecutionSettings } from '../domain/services/run-settings.js';
import { HealthService } from '../domain/services/health-service.js';
import { JobDefinitionService } from '../domain/services/job-definition-service.js';
import type { AppConfig } from './config.js';
import { openDatabase, type DatabaseLocation, type OpenedDatabase } from './database.js';
import { ExecutionWorker } from './execution-worker.js';
import { createHttpApp } from './http-app.js';
import { SchedulerLoop } from './scheduler-loop.js';
import { serviceVersion, shippedMigrationCount } from './project-files.js';
import { TOKENS } from './tokens.js';

export interface ContainerOverrides {
  /** Where the data lives instead of `config.database` (tests use an in-memory PGlite). */
  database?: DatabaseLocation;
  clock?: Clock;
  /** Another Flink cluster adapter (the scheduler benchmark uses a no-op one). */
  flink?: FlinkCluster;
}

/**
 * The composition root: opens the database (migrating it), then registers every port's implementation and every
 * use case against its token. The only place that knows which adapter serves which port.
 */
export async function buildContainer(
  config: AppConfig,
  logger: Logger,
  overrides: ContainerOverrides = {},
): Promise<DependencyContainer> {
  const database = await openDatabase(overrides.database ?? config.database);
  const container = rootContainer.createChildContainer();
  const resolve = <T>(token: symbol) => container.resolve<T>(token);

  container.register(TOKENS.Config, { useValue: config });
  container.register(TOKENS.Logger, { useValue: logger });
  container.register(TOKENS.Database, { useValue: database });
  const clock = overrides.clock ?? systemClock;
  container.register(TOKENS.Clock, { useValue: clock });
  container.register(TOKENS.IdGenerator, { useValue: randomIds });

  // A run's lease outlives a few missed renewals (one per worker poll); a dead instance's runs are taken over
  // when it runs out, at the next poll of a live one.
  const leases: LeaseTerms = { owner: config.instanceId, ttlMs: executionLeaseMs(config), clock };
  container.register(TOKENS.JobRepository, { useValue: new DrizzleJobRepository(database.db) });
  container.register(TOKENS.ExecutionRepository, { useValue: new DrizzleExecutionRepository(database.db, leases) });
  container.register(TOKENS.JarUploadRegistry, { useValue: new DrizzleJarUploadRegistry(database.db) });
  container.register(TOKENS.ArtifactSource, {
    useValue: new HttpArtifactSource({
      cacheDir: join(config.dataDir, 'jars'),
      dataProcessorUrl: config.dataProcessorUrl,
      allowedHosts: config.jarAllowedHosts,
      maxBytes: config.jarMaxBytes,
    }),
  });
  container.register(TOKENS.FlinkCluster, {
    useValue: overrides.flink ?? new FlinkRestCluster({ baseUrl: config.flinkJobManagerUrl }),
  });
  container.register(TOKENS.ExecutionSettings, {
    useValue: {
      savepointDir: config.savepointDir,
      stopTimeoutMs: config.stopTimeoutMs,
      unreachableGraceMs: config.flinkUnreachableGraceMs,
    } satisfies ExecutionSettings,
  });
  container.register(TOKENS.DatabaseStatus, {
    useValue: new SqlDatabaseStatus(database.db, shippedMigrationCount()),
  });

  container.register(TOKENS.JobDefinitions, {
    useFactory: () =>
      new JobDefinitionService(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<Clock>(TOKENS.Clock),
        resolve<IdGenerator>(TOKENS.IdGenerator),
        resolve<ArtifactSource>(TOKENS.ArtifactSource),
      ),
  });
  container.register(TOKENS.ExecutionRunner, {
    useFactory: () =>
      new ExecutionRunner(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<ExecutionRepository>(TOKENS.ExecutionRepository),
        resolve<ArtifactSource>(TOKENS.ArtifactSource),
        resolve<FlinkCluster>(TOKENS.FlinkCluster),
        resolve<JarUploadRegistry>(TOKENS.JarUploadRegistry),
        resolve<Clock>(TOKENS.Clock),
        resolve<IdGenerator>(TOKENS.IdGenerator),
        resolve<ExecutionSettings>(TOKENS.ExecutionSettings),
      ),
  });
  // One worker per container: it is both the dispatcher the use cases talk to and the loop cmd/ starts.
  const worker = new ExecutionWorker(
    resolve<ExecutionRunner>(TOKENS.ExecutionRunner),
    resolve<ExecutionRepository>(TOKENS.ExecutionRepository),
    logger,
    config.flinkPollIntervalMs,
  );
  container.register(TOKENS.ExecutionWorker, { useValue: worker });
  container.register(TOKENS.JobExecutions, {
    useFactory: () =>
      new ExecutionService(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<ExecutionRepository>(TOKENS.ExecutionRepository),
        resolve<ScheduleRepository>(TOKENS.ScheduleRepository),
        worker,
        resolve<Clock>(TOKENS.Clock),
        resolve<IdGenerator>(TOKENS.IdGenerator),
        resolve<ExecutionSettings>(TOKENS.ExecutionSettings),
      ),
  });
  container.register(TOKENS.CronCalculator, { useValue: new CronerCalculator() });
  container.register(TOKENS.ScheduleRepository, { useValue: new DrizzleScheduleRepository(database.db, leases) });
  container.register(TOKENS.ScheduleChangeSignal, { useValue: new SqlScheduleSignal(database.db, database.listen) });
  container.register(TOKENS.JobSchedules, {
    useFactory: () =>
      new SchedulingService(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<ScheduleRepository>(TOKENS.ScheduleRepository),
        resolve<CronCalculator>(TOKENS.CronCalculator),
        resolve<Clock>(TOKENS.Clock),
        resolve<IdGenerator>(TOKENS.IdGenerator),
        resolve<ScheduleChangeSignal>(TOKENS.ScheduleChangeSignal),
      ),
  });
  container.register(TOKENS.QueuedExecutions, {
    useFactory: () =>
      new ExecutionQueue(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<ExecutionRepository>(TOKENS.ExecutionRepository),
        worker,
        resolve<Clock>(TOKENS.Clock),
        resolve<ExecutionSettings>(TOKENS.ExecutionSettings),
      ),
  });
  container.register(TOKENS.SchedulerLoop, {
    useValue: new SchedulerLoop(
      resolve<JobSchedules>(TOKENS.JobSchedules),
      resolve<QueuedExecutions>(TOKENS.QueuedExecutions),
      worker,
      resolve<Clock>(TOKENS.Clock),
      logger,
      config.schedulerPollIntervalMs,
    ),
  });
  container.register(TOKENS.ServiceHealth, {
    useFactory: () =>
      new HealthService(
        resolve<DatabaseStatus>(TOKENS.DatabaseStatus),
        resolve<FlinkCluster>(TOKENS.FlinkCluster),
        serviceVersion,
      ),
  });
  container.register(TOKENS.HttpApp, {
    useFactory: () =>
      createHttpApp({
        jobDefinitions: resolve<JobDefinitions>(TOKENS.JobDefinitions),
        jobExecutions: resolve<JobExecutions>(TOKENS.JobExecutions),
        jobSchedules: resolve<JobSchedules>(TOKENS.JobSchedules),
        health: resolve<ServiceHealth>(TOKENS.ServiceHealth),
        logger,
      }),
  });
  return container;
}

/** How long a run's lease lasts unrenewed: three worker polls, and never under 6 s. */
export function executionLeaseMs(config: Pick<AppConfig, 'flinkPollIntervalMs'>): number {
  return Math.max(6000, 3 * config.flinkPollIntervalMs);
}

export function databaseOf(container: DependencyContainer): OpenedDatabase {
  return container.resolve<OpenedDatabase>(TOKENS.Database);
}
