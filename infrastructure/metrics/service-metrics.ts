import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { MetricsExposition } from '../../adapters/input/http/metrics/handlers.js';
import type { Clock } from '../../domain/ports/output/clock.js';
import type { SchedulerTotalsSource } from '../../domain/ports/output/scheduler-totals.js';
import { registerDatabaseMetrics } from './database-metrics.js';

/** One registry per service instance (tests run several in one process), and the histograms fed as work happens. */
export interface ServiceMetrics {
  exposition: MetricsExposition;
  /** Per process: each replica times the requests it serves. */
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  /** Per process: each call of the Flink port, retries included. */
  flinkRequests: Histogram<'operation' | 'outcome'>;
  /** Per process: the replica that claimed a tick observes how late it stored the tick's execution. */
  fireLateness: Histogram;
  /** Per process: each attempt is made by one replica, so the sum over replicas counts every attempt once. */
  webhookDeliveries: Counter<'outcome'>;
}

export function createServiceMetrics(totals: SchedulerTotalsSource, clock: Clock): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerDatabaseMetrics(registry, totals, clock);
  const webhookDeliveries = new Counter({
    name: 'flink_scheduler_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: succeeded, failed (a retry follows) or dead (the last attempt, or 410 Gone)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome shows from the start, at 0, so that an alert on its increase has a series to look at.
  for (const outcome of ['succeeded', 'failed', 'dead']) webhookDeliveries.inc({ outcome }, 0);
  return {
    webhookDeliveries,
    exposition: { contentType: registry.contentType, text: () => registry.metrics() },
    httpRequests: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template (unmatched for no route) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    flinkRequests: new Histogram({
      name: 'flink_scheduler_flink_request_duration_seconds',
      help: "Time a call to the Flink JobManager's REST API took (retries included), by operation and outcome",
      labelNames: ['operation', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    fireLateness: new Histogram({
      name: 'flink_scheduler_schedule_fire_lateness_seconds',
      help: "Time from a schedule's tick to the commit of its execution (the schedule's jitter included)",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
}
