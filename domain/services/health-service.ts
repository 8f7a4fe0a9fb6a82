import type { HealthReport, ServiceHealth } from '../ports/input/service-health.js';
import type { DatabaseStatus } from '../ports/output/database-status.js';
import type { FlinkCluster } from '../ports/output/flink-cluster.js';

/**
 * The service's view of its dependencies. `report` answers from the last probe without calling anything, so a
 * hanging Flink or database never holds up a health check; something outside the domain calls `probe` on a timer.
 */
export class HealthService implements ServiceHealth {
  private last: HealthReport | undefined;
  private probing: Promise<HealthReport> | undefined;

  constructor(
    private readonly database: DatabaseStatus,
    private readonly flink: Pick<FlinkCluster, 'overview'>,
    private readonly serviceVersion: string,
  ) {}

  /** Checks the database and Flink now and keeps the result; a call during a probe shares that probe. */
  probe(): Promise<HealthReport> {
    this.probing ??= this.check()
      .then((report) => (this.last = report))
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** The last probe's result; only before the first probe has ended does it wait for one. */
  async report(): Promise<HealthReport> {
    return this.last ?? this.probe();
  }

  async isReady(): Promise<boolean> {
    const { reachable, migrated } = await this.database.check();
    return reachable && migrated;
  }

  /** Degraded when the database or Flink cannot be reached; Flink being down never makes the service unready. */
  private async check(): Promise<HealthReport> {
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
}
