import type { Logger } from 'pino';
import type { HealthReport, ServiceHealth } from '../domain/ports/input/service-health.js';

/**
 * Probes the database and Flink in the background, one probe at a time, `intervalMs` after the last one ended: a
 * health check then answers from the last result at once, however slow a dependency is, and the number of calls
 * to a dependency does not grow with the number of health checks. Logs when a dependency is lost or comes back.
 */
export class HealthProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private last: HealthReport | undefined;

  constructor(
    private readonly health: Pick<ServiceHealth, 'probe'>,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    void this.round();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async round(): Promise<void> {
    try {
      const report = await this.health.probe();
      // A probe that ends after stop() saw the database being closed, not lost.
      if (!this.stopped) this.logChanges(report);
    } catch (error) {
      this.logger.warn({ err: error }, 'health probe failed; trying again at the next interval');
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round(), this.intervalMs);
    this.timer.unref();
  }

  private logChanges(report: HealthReport): void {
    const before = this.last;
    this.last = report;
    const databaseUp = report.database === 'ok';
    if (databaseUp !== (before ? before.database === 'ok' : true)) {
      if (databaseUp) this.logger.info('database reachable again');
      else this.logger.warn('database unreachable');
    }
    if (report.flink.reachable !== (before?.flink.reachable ?? true)) {
      if (report.flink.reachable) this.logger.info({ flinkVersion: report.flink.version }, 'Flink reachable again');
      else this.logger.warn('Flink JobManager unreachable');
    }
  }
}
