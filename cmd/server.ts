import { ConfigError, loadConfig } from '../infrastructure/config.js';
import { createLogger } from '../infrastructure/logging.js';
import { startService } from '../infrastructure/service.js';

/** A start refused for a reason the user can fix (a bad setting, a folder in use): one line on stderr, exit 2. */
function refuse(error: ConfigError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) refuse(error);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const started = startService(config, logger).catch((error: unknown) => {
    if (error instanceof ConfigError) refuse(error);
    logger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  });
  // The handlers are in place before the service starts: a signal that comes while it starts waits for it.
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    started
      .then((service) => service.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGHUP', () => void started.then((service) => service.reloadKeys()));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await started;
}

void main();
