import type { HealthReport, ServiceHealth } from '../ports/input/service-health.js';
import type { DatabaseStatus } from '../ports/output/database-status.js';
import type { FlinkCluster } from '../ports/output/flink-cluster.js';

export class HealthService implements ServiceHealth {
  constructor(
    private readonly database: DatabaseStatus,
    private readonly flink: Pick<FlinkCluster, 'overview'>,
    private readonly serviceVersion: string,
  ) {}

  /** Degraded when the database or Flink cannot be reached; Flink being down never makes the service unready. */
  async report(): Promise<HealthReport> {
    const [{ reachable }, overview] = await Promise.all([
      this.database.check(),
      this.flink.overview().catch(() => undefined),
    ]);
    return {
      status: reachable && overview ? 'ok' : 'degraded',
      database: reachable ? 'ok' : 'error',
      flink: {
        reachable: overview !== undefined,
        version: overview?.version ?? null,
        slotsAvailable: overview?.slotsAvailable ?? null,
      },
      version: this.serviceVersion,
    };
  }

  async isReady(): Promise<boolean> {
    const { reachable, migrated } = await this.database.check();
    return reachable && migrated;
  }
}
