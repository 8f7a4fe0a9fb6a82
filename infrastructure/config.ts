import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { defaultAllowedHosts, parseAllowedHosts } from '../adapters/output/artifacts/jar-location.js';
import { OutboundCredentials, readOutboundCredentials } from '../adapters/output/outbound/outbound-credentials.js';
import { parseWebhookAllowedHosts } from '../adapters/output/webhooks/webhook-policy.js';
import { parseDurations } from './durations.js';
import { redactCredentials } from './redaction.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http:// or https:// URL',
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** A setting turned into a value by `parse`, whose Error says what is wrong (never echoing a secret). */
function parsedBy<T>(parse: (value: string) => T, prefix = '') {
  return z.string().transform((value, context) => {
    try {
      return parse(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `${prefix}${(error as Error).message}` });
      return z.NEVER;
    }
  });
}

function positiveInteger(unit: string) {
  const message = `must be a positive whole number of ${unit}`;
  return z.coerce.number({ message }).int(message).positive(message);
}

function positiveNumber(unit: string) {
  return z.coerce.number({ message: `must be a number of ${unit}` }).positive(`must be a positive number of ${unit}`);
}

const environmentSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be an integer from 0 to 65535' })
    .int('must be an integer from 0 to 65535')
    .min(0, 'must be an integer from 0 to 65535')
    .max(65535, 'must be an integer from 0 to 65535')
    .default(8080),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
      message: 'must be a postgres:// or postgresql:// URL',
    })
    .optional(),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  FLINK_JOBMANAGER_URL: httpUrl.default('http://localhost:8081'),
  FLINK_WEB_URL: httpUrl.optional(),
  DATA_PROCESSOR_URL: httpUrl.default('http://data-processor:8080'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  FLINK_POLL_INTERVAL_MS: positiveInteger('milliseconds').default(2000),
  SCHEDULER_POLL_INTERVAL_MS: positiveInteger('milliseconds').default(1000),
  INSTANCE_ID: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  SAVEPOINT_DIR: z.string().trim().min(1).optional(),
  STOP_TIMEOUT_SECONDS: positiveInteger('seconds').default(60),
  UPGRADE_STABLE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0, 'must be 0 or more seconds').default(10),
  FLINK_UNREACHABLE_GRACE_SECONDS: positiveInteger('seconds').default(300),
  JAR_ALLOWED_HOSTS: parsedBy(parseAllowedHosts, 'must be a comma-separated list of hosts: ').optional(),
  JAR_FETCH_CREDENTIALS_FILE: parsedBy((path) => readOutboundCredentials(path.trim())).optional(),
  JAR_MAX_BYTES: positiveInteger('bytes').default(512 * 1024 * 1024),
  API_KEYS_FILE: z.string().trim().min(1).optional(),
  AUTH_DISABLED: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  AUDIT_RETENTION_DAYS: positiveInteger('days').default(90),
  EVENT_RETENTION_DAYS: positiveInteger('days').default(14),
  EXECUTION_RETENTION_DAYS: positiveNumber('days').default(30),
  EXECUTION_RETENTION_PER_JOB: positiveInteger('runs').default(1000),
  EXECUTION_SWEEP_INTERVAL_MS: positiveInteger('milliseconds').default(10_000),
  JAR_CACHE_MAX_BYTES: positiveInteger('bytes').default(2 * 1024 * 1024 * 1024),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInteger('milliseconds').default(3000),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInteger('milliseconds').default(5000),
  HEALTH_PROBE_INTERVAL_MS: positiveInteger('milliseconds').default(5000),
  HEALTH_PROBE_TIMEOUT_MS: positiveInteger('milliseconds').default(2000),
  EVENT_STREAM_POLL_INTERVAL_MS: positiveInteger('milliseconds').default(500),
  EVENT_STREAM_HEARTBEAT_SECONDS: positiveNumber('seconds').default(15),
  SHUTDOWN_TIMEOUT_SECONDS: positiveNumber('seconds').default(10),
  WEBHOOK_ALLOWED_HOSTS: parsedBy(parseWebhookAllowedHosts, 'must be a comma-separated list of hosts or *: ').prefault('*'),
  WEBHOOK_TIMEOUT_SECONDS: positiveNumber('seconds').default(15),
  WEBHOOK_RETRY_SCHEDULE: parsedBy(
    parseDurations,
    'must be a comma-separated list of durations with a unit (ms, s, m, h), each longer than 0: ',
  ).prefault('5s,30s,2m,10m,30m,1h,3h,6h'),
  WEBHOOK_POLL_INTERVAL_MS: positiveInteger('milliseconds').default(250),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  port: number;
  host: string;
  /** PostgreSQL through postgres.js when a URL is given; embedded PGlite under `dataDir` otherwise. */
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  flinkJobManagerUrl: string;
  /** Flink's web UI as a browser reaches it, for the console's links to a run's Flink job; default: the JobManager URL. */
  flinkWebUrl: string;
  dataProcessorUrl: string;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  flinkPollIntervalMs: number;
  /** This replica's name in the run leases (see README, "Several replicas"); unique per process. */
  instanceId: string;
  /** Longest the scheduler sleeps between looks at the schedules (it wakes earlier for a due tick). */
  schedulerPollIntervalMs: number;
  /** Where stop-with-savepoint writes when a job names no `state.savepoints.dir` of its own. */
  savepointDir: string | null;
  stopTimeoutMs: number;
  /** How long an upgrade's new run must stay RUNNING before the upgrade counts as done. */
  upgradeStableMs: number;
  flinkUnreachableGraceMs: number;
  /** `host` (default port) or `host:port` entries a jarURL may name; default: the data processor URL's origin. */
  jarAllowedHosts: string[];
  /** Authorization headers for JAR downloads, per host; the secrets are not enumerable (never logged). */
  jarFetchCredentials: OutboundCredentials;
  jarMaxBytes: number;
  /** The API keys (name, role, SHA-256 of the key), one per line; null: no keys, the service runs unauthenticated. */
  apiKeysFile: string | null;
  /** Serve without keys on a non-loopback address (refused unless set). */
  authDisabled: boolean;
  auditRetentionDays: number;
  /** How long events are kept in the outbox. */
  eventRetentionDays: number;
  /** How long finished runs are kept, how many of each job's newest whatever their age, and how often that is swept. */
  executionRetention: { maxAgeMs: number; keepPerJob: number; sweepIntervalMs: number };
  /** Most bytes the JAR cache holds; least recently used JARs not in use are removed past it. */
  jarCacheMaxBytes: number;
  /** How often an open event stream that has read every stored event looks for new ones. */
  eventStreamPollIntervalMs: number;
  /** How often an open event stream sends a `: keep-alive` comment. */
  eventStreamHeartbeatMs: number;
  /** PostgreSQL only: how long a connection attempt and a statement may take before the request fails with 503. */
  databaseTimeouts: { connectMs: number; statementMs: number };
  /** How often the dependencies are probed for /health, and how long Flink has to answer a probe. */
  healthProbeIntervalMs: number;
  healthProbeTimeoutMs: number;
  /** `*` (any public host) and `host` / `host:port` entries a webhook URL may name; loopback and private only listed. */
  webhookAllowedHosts: string[];
  /** Limit for one delivery attempt: connecting, the response and the first KiB of its body. */
  webhookTimeoutMs: number;
  /** The wait before each retry of a failed delivery; its length is the number of retries. */
  webhookRetryDelaysMs: number[];
  /** How often the webhook dispatcher looks for due deliveries. */
  webhookPollIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the service's settings from the environment, once. Empty variables count as unset. Throws ConfigError
 * naming the first bad variable, its value and what it should be.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    // The value is echoed to say what was wrong with it, never with its password (DATABASE_URL holds one).
    const shown = redactCredentials(JSON.stringify(present[variable] ?? ''));
    throw new ConfigError(`Invalid ${variable}=${shown}: ${issue.message}`);
  }
  const settings = parsed.data;
  return {
    port: settings.PORT,
    host: settings.HOST,
    database: settings.DATABASE_URL
      ? { kind: 'postgres', url: settings.DATABASE_URL }
      : { kind: 'pglite', dataDir: settings.DATA_DIR },
    dataDir: settings.DATA_DIR,
    flinkJobManagerUrl: settings.FLINK_JOBMANAGER_URL,
    flinkWebUrl: settings.FLINK_WEB_URL ?? settings.FLINK_JOBMANAGER_URL,
    dataProcessorUrl: settings.DATA_PROCESSOR_URL,
    logLevel: settings.LOG_LEVEL,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    flinkPollIntervalMs: settings.FLINK_POLL_INTERVAL_MS,
    schedulerPollIntervalMs: settings.SCHEDULER_POLL_INTERVAL_MS,
    instanceId: settings.INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    savepointDir: settings.SAVEPOINT_DIR ?? null,
    stopTimeoutMs: settings.STOP_TIMEOUT_SECONDS * 1000,
    upgradeStableMs: Math.round(settings.UPGRADE_STABLE_SECONDS * 1000),
    flinkUnreachableGraceMs: settings.FLINK_UNREACHABLE_GRACE_SECONDS * 1000,
    jarAllowedHosts: settings.JAR_ALLOWED_HOSTS ?? defaultAllowedHosts(settings.DATA_PROCESSOR_URL),
    jarFetchCredentials: settings.JAR_FETCH_CREDENTIALS_FILE ?? OutboundCredentials.none,
    jarMaxBytes: settings.JAR_MAX_BYTES,
    apiKeysFile: settings.API_KEYS_FILE ?? null,
    authDisabled: settings.AUTH_DISABLED === 'true',
    auditRetentionDays: settings.AUDIT_RETENTION_DAYS,
    eventRetentionDays: settings.EVENT_RETENTION_DAYS,
    executionRetention: {
      maxAgeMs: Math.round(settings.EXECUTION_RETENTION_DAYS * 24 * 60 * 60 * 1000),
      keepPerJob: settings.EXECUTION_RETENTION_PER_JOB,
      sweepIntervalMs: settings.EXECUTION_SWEEP_INTERVAL_MS,
    },
    jarCacheMaxBytes: settings.JAR_CACHE_MAX_BYTES,
    eventStreamPollIntervalMs: settings.EVENT_STREAM_POLL_INTERVAL_MS,
    eventStreamHeartbeatMs: settings.EVENT_STREAM_HEARTBEAT_SECONDS * 1000,
    databaseTimeouts: { connectMs: settings.DATABASE_CONNECT_TIMEOUT_MS, statementMs: settings.DATABASE_STATEMENT_TIMEOUT_MS },
    healthProbeIntervalMs: settings.HEALTH_PROBE_INTERVAL_MS,
    healthProbeTimeoutMs: settings.HEALTH_PROBE_TIMEOUT_MS,
    webhookAllowedHosts: settings.WEBHOOK_ALLOWED_HOSTS,
    webhookTimeoutMs: Math.ceil(settings.WEBHOOK_TIMEOUT_SECONDS * 1000),
    webhookRetryDelaysMs: settings.WEBHOOK_RETRY_SCHEDULE,
    webhookPollIntervalMs: settings.WEBHOOK_POLL_INTERVAL_MS,
  };
}
