export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'error';
  flink: { reachable: boolean; version: string | null; slotsAvailable: number | null };
  version: string;
}

export interface ServiceHealth {
  /** The service's view of its dependencies, for humans and dashboards, as the last probe saw them. */
  report(): Promise<HealthReport>;
  /** Looks at the dependencies now; the service does it in the background, at an interval. */
  probe(): Promise<HealthReport>;
  /** True when this instance can serve requests: the database answers and its schema is current. */
  isReady(): Promise<boolean>;
}
