/**
 * One instance of the service with the no-op Flink port, for the benchmarks: bench/instances.ts compiles it and
 * starts it as a process of its own with the service's usual environment (DATABASE_URL, PORT=0, ...). Prints
 * `{"port":N}` once listening; stops cleanly on SIGTERM.
 */
import { loadConfig } from '../infrastructure/config.js';
import { createLogger } from '../infrastructure/logging.js';
import { startService } from '../infrastructure/service.js';
import { NoopFlinkCluster } from './noop-flink-cluster.js';

const config = loadConfig();
const service = await startService(config, createLogger(config.logLevel), { flink: new NoopFlinkCluster() });
process.stdout.write(`${JSON.stringify({ port: service.port })}\n`);
process.once('SIGTERM', () => {
  service.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
