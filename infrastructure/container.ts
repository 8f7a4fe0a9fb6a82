import 'reflect-metadata';
import type { Logger } from 'pino';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { DrizzleJobRepository } from '../adapters/output/repository/drizzle-job-repository.js';
import { SqlDatabaseStatus } from '../adapters/output/repository/sql-database-status.js';
import { randomIds } from '../adapters/output/system/random-ids.js';
import { systemClock } from '../adapters/output/system/system-clock.js';
import type { Clock } from '../domain/ports/output/clock.js';
import type { DatabaseStatus } from '../domain/ports/output/database-status.js';
import type { IdGenerator } from '../domain/ports/output/id-generator.js';
import type { JobRepository } from '../domain/ports/output/job-repository.js';
import type { JobDefinitions } from '../domain/ports/input/job-definitions.js';
import type { ServiceHealth } from '../domain/ports/input/service-health.js';
import { HealthService } from '../domain/services/health-service.js';
import { JobDefinitionService } from '../domain/services/job-definition-service.js';
import type { AppConfig } from './config.js';
import { openDatabase, type DatabaseLocation, type OpenedDatabase } from './database.js';
import { createHttpApp } from './http-app.js';
import { serviceVersion, shippedMigrationCount } from './project-files.js';
import { TOKENS } from './tokens.js';

export interface ContainerOverrides {
  /** Where the data lives instead of `config.database` (tests use an in-memory PGlite). */
  database?: DatabaseLocation;
  clock?: Clock;
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
  container.register(TOKENS.Clock, { useValue: overrides.clock ?? systemClock });
  container.register(TOKENS.IdGenerator, { useValue: randomIds });

  container.register(TOKENS.JobRepository, { useValue: new DrizzleJobRepository(database.db) });
  container.register(TOKENS.DatabaseStatus, {
    useValue: new SqlDatabaseStatus(database.db, shippedMigrationCount()),
  });

  container.register(TOKENS.JobDefinitions, {
    useFactory: () =>
      new JobDefinitionService(
        resolve<JobRepository>(TOKENS.JobRepository),
        resolve<Clock>(TOKENS.Clock),
        resolve<IdGenerator>(TOKENS.IdGenerator),
      ),
  });
  container.register(TOKENS.ServiceHealth, {
    useFactory: () => new HealthService(resolve<DatabaseStatus>(TOKENS.DatabaseStatus), serviceVersion),
  });
  container.register(TOKENS.HttpApp, {
    useFactory: () =>
      createHttpApp({
        jobDefinitions: resolve<JobDefinitions>(TOKENS.JobDefinitions),
        health: resolve<ServiceHealth>(TOKENS.ServiceHealth),
        logger,
      }),
  });
  return container;
}

export function databaseOf(container: DependencyContainer): OpenedDatabase {
  return container.resolve<OpenedDatabase>(TOKENS.Database);
}
