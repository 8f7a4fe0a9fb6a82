import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../domain/ports/output/clock.js';
import type { SchedulerTotals, SchedulerTotalsSource } from '../../domain/ports/output/scheduler-totals.js';

/**
 * The metrics every replica must agree on, read from the database when Prometheus scrapes: each collector replaces
 * its values with the totals of that moment. One scrape reads the totals once, however many collectors ask.
 */
export function registerDatabaseMetrics(registry: Registry, source: SchedulerTotalsSource, clock: Clock): void {
  const read = sharedRead(source);
  new Counter({
    name: 'flink_scheduler_runs_total',
    help: 'Runs that ended, by final status (SUCCEEDED, FAILED, STOPPED, SKIPPED) and trigger; from the database',
    labelNames: ['status', 'trigger'],
    registers: [registry],
    async collect() {
      const { ended } = await read();
      this.reset();
      for (const { status, trigger, count } of ended) this.inc({ status, trigger }, count);
    },
  });
  new Gauge({
    name: 'flink_scheduler_runs_active',
    help: 'Runs in an active status (PENDING to STOPPING) on every replica; from the database',
    registers: [registry],
    async collect() {
      this.set((await read()).active);
    },
  });
  new Counter({
    name: 'flink_scheduler_ticks_skipped_total',
    help: 'Schedule ticks recorded SKIPPED, by reason (OVERLAP: a run was still active or waiting); from the database',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      const { ended } = await read();
      this.reset();
      for (const { status, reason, count } of ended) if (status === 'SKIPPED') this.inc({ reason: reason ?? 'UNKNOWN' }, count);
    },
  });
  new Counter({
    name: 'flink_scheduler_ticks_missed_total',
    help: "Schedule ticks missed (outside the catch-up window), summed over the schedules stored; from the database",
    registers: [registry],
    async collect() {
      const { ticksMissed } = await read();
      this.reset();
      this.inc(ticksMissed);
    },
  });
  new Gauge({
    name: 'flink_scheduler_outbox_lag_seconds',
    help: 'Age of the oldest committed event the event feed cannot show yet (held back by an older open transaction); 0 when none',
    registers: [registry],
    async collect() {
      const { oldestHeldBackEventAt } = await read();
      const age = oldestHeldBackEventAt ? (clock.now().getTime() - oldestHeldBackEventAt.getTime()) / 1000 : 0;
      this.set(Math.max(0, age));
    },
  });
  registerDeliveryMetrics(registry, read);
}

/** The webhook deliveries' backlog, as every replica sees it. */
function registerDeliveryMetrics(registry: Registry, read: () => Promise<SchedulerTotals>): void {
  new Gauge({
    name: 'flink_scheduler_webhook_deliveries_waiting',
    help: 'Webhook deliveries waiting for their first attempt or a retry, on every replica; from the database',
    registers: [registry],
    async collect() {
      this.set((await read()).deliveries.waiting);
    },
  });
  new Gauge({
    name: 'flink_scheduler_webhook_dead_letters',
    help: 'Webhook deliveries given up on after their last attempt (replay them), kept for EVENT_RETENTION_DAYS; from the database',
    registers: [registry],
    async collect() {
      this.set((await read()).deliveries.dead);
    },
  });
}

/** `source.read()`, shared by every caller while one read is under way (the collectors of one scrape run together). */
function sharedRead(source: SchedulerTotalsSource): () => Promise<SchedulerTotals> {
  let pending: Promise<SchedulerTotals> | undefined;
  return () => {
    pending ??= source.read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
