import type { HealthReport, ServiceHealth } from '../ports/input/service-health.js';
import type { DatabaseStatus } from '../ports/output/database-status.js';

export class HealthService implements ServiceHealth {
  constructor(
    private readonly database: DatabaseStatus,
    private readonly serviceVersion: string,
  ) {}

  async report(): Promise<HealthReport> {
    const { reachable } = await this.database.check();
    return {
      status: reachable ? 'ok' : 'degraded',
      database: reachable ? 'ok' : 'error',
      version: this.serviceVersion,
    };
  }

  async isReady(): Promise<boolean> {
    const { reachable, migrated } = await this.database.check();
    return reachable && migrated;
  }
}
