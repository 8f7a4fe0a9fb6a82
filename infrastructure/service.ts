import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import type { ApiKeyFile } from '../adapters/output/keys/api-key-file.js';
import type { AuditLog } from '../domain/ports/input/audit-log.js';
import type { EventFeed } from '../domain/ports/input/event-feed.js';
import type { EventStream } from '../domain/ports/input/event-stream.js';
import { startAccessUpkeep } from './access-upkeep.js';
import type { ExecutionRetention } from '../domain/ports/input/execution-retention.js';
import { startRetentionSweep } from './retention-sweep.js';
import { ConfigError, type AppConfig } from './config.js';
import { buildContainer, databaseOf, type ContainerOverrides } from './container.js';
import type { ExecutionWorker } from './execution-worker.js';
import { HealthProbeLoop } from './health-probe-loop.js';
import { manageConnections, type ServerConnections } from './http-connections.js';
import type { SchedulerLoop } from './scheduler-loop.js';
import type { WebhookWorker } from './webhook-worker.js';
import type { HttpApp } from './http-app.js';
import { TOKENS } from './tokens.js';
import { checkUnauthenticatedAccess } from './unauthenticated-access.js';
import type { ScheduleChangeFeed } from '../domain/ports/output/schedule-change-signal.js';
import type { ServiceHealth } from '../domain/ports/input/service-health.js';

export interface RunningService {
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (bounded), then closes the database. */
  stop(): Promise<void>;
  /** Reads the API keys file again (SIGHUP). */
  reloadKeys(): Promise<void>;
}

export async function startService(
  config: AppConfig,
  logger: Logger,
  overrides?: ContainerOverrides,
): Promise<RunningService> {
  // Refuses (ConfigError) to serve without keys on a non-loopback address unless AUTH_DISABLED=true.
  const exposed = checkUnauthenticatedAccess(config);
  if (exposed) logger.warn({ host: config.host }, exposed);
  const container = await buildContainer(config, logger, overrides);
  const database = databaseOf(container);
  const app = container.resolve<HttpApp>(TOKENS.HttpApp);
  const worker = container.resolve<ExecutionWorker>(TOKENS.ExecutionWorker);
  // Runs left unfinished by an earlier process are picked up before new requests arrive.
  await worker.start();
  const loops = await startLoops(container, config, logger);

  let connections: ServerConnections | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // No new connection from the signal on; requests already sent are still answered.
      const closed = connections?.close(config.shutdownTimeoutMs);
      // Event streams never finish on their own: end them, so their connections close with the idle ones.
      container.resolve<EventStream>(TOKENS.EventStream).close();
      await loops.stop();
      await closed;
      // Whatever is still under way after this is resumed from the database at the next start.
      await worker.stop(config.shutdownTimeoutMs);
      // Deliveries still under way then are handed back for another instance to send again.
      await loops.webhookWorker.stop(config.shutdownTimeoutMs);
      await database.close();
      logger.info('service stopped');
    })());

  // What started above is stopped again when the port cannot be had, so that the refusal leaves nothing behind.
  const server = await listen(app, config).catch(async (error: unknown) => {
    await stop().catch(() => undefined);
    throw error;
  });
  connections = manageConnections(server as Server, logger);
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: config.host, port, database: database.kind }, 'service listening');
  return { port, stop, reloadKeys: loops.upkeep.reloadKeys };
}

/**
 * The loops every replica runs beside the execution worker: the scheduler (woken by schedule changes on any
 * replica), webhook delivery, key and retention upkeep, and the health probe. `stop` ends all but webhook delivery,
 * which the caller stops last, once requests are answered.
 */
async function startLoops(container: DependencyContainer, config: AppConfig, logger: Logger) {
  const scheduler = container.resolve<SchedulerLoop>(TOKENS.SchedulerLoop);
  scheduler.start();
  const unlisten = await container.resolve<ScheduleChangeFeed>(TOKENS.ScheduleChanges).subscribe(() => scheduler.wake());
  const upkeep = startAccessUpkeep(
    container.isRegistered(TOKENS.ApiKeys) ? container.resolve<ApiKeyFile>(TOKENS.ApiKeys) : null,
    container.resolve<AuditLog>(TOKENS.AuditLog),
    logger,
  );
  const webhookWorker = container.resolve<WebhookWorker>(TOKENS.WebhookWorker);
  webhookWorker.start();
  const sweeps = [
    startRetentionSweep('events', () => container.resolve<EventFeed>(TOKENS.EventFeed).sweep(), logger),
    startRetentionSweep('webhook deliveries', () => webhookWorker.sweep(), logger),
    startRetentionSweep(
      'executions',
      () => container.resolve<ExecutionRetention>(TOKENS.ExecutionRetention).sweep(),
      logger,
      config.executionRetention.sweepIntervalMs,
    ),
  ];
  const healthProbe = new HealthProbeLoop(container.resolve<ServiceHealth>(TOKENS.ServiceHealth), logger, config.healthProbeIntervalMs);
  healthProbe.start();
  return {
    upkeep,
    webhookWorker,
    async stop() {
      await unlisten().catch(() => undefined);
      upkeep.stop();
      for (const stopSweep of sweeps) stopSweep();
      await scheduler.stop();
      healthProbe.stop();
    },
  };
}

/** Listens on HOST:PORT; a port another process holds is a ConfigError (a setting to change), not a crash. */
function listen(app: HttpApp, config: Pick<AppConfig, 'host' | 'port'>): Promise<ServerType> {
  return new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      const where = `port ${config.port} on ${config.host}`;
      reject(new ConfigError(`${where} is in use; set PORT to a free port, or stop the process that holds it`));
    });
  });
}
