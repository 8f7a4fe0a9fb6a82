import { ConfigError, loadConfig } from '../infrastructure/config.js';
import { createLogger } from '../infrastructure/logging.js';
import { startService } from '../infrastructure/service.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  });

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGHUP', () => void service.reloadKeys());
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
