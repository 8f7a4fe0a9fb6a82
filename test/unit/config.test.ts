import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboundCredentials } from '../../adapters/output/outbound/outbound-credentials.js';
import { ConfigError, loadConfig } from '../../infrastructure/config.js';

describe('loadConfig', () => {
  it('has the documented defaults and embedded PGlite when DATABASE_URL is unset', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: './data' },
      dataDir: './data',
      flinkJobManagerUrl: 'http://localhost:8081',
      flinkWebUrl: 'http://localhost:8081',
      dataProcessorUrl: 'http://data-processor:8080',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      flinkPollIntervalMs: 2000,
      schedulerPollIntervalMs: 1000,
      savepointDir: null,
      stopTimeoutMs: 60_000,
      upgradeStableMs: 10_000,
      flinkUnreachableGraceMs: 300_000,
      jarAllowedHosts: ['data-processor:8080'],
      jarFetchCredentials: OutboundCredentials.none,
      jarMaxBytes: 512 * 1024 * 1024,
      apiKeysFile: null,
      authDisabled: false,
      auditRetentionDays: 90,
      eventRetentionDays: 14,
      executionRetention: { maxAgeMs: 30 * 86_400_000, keepPerJob: 1000, sweepIntervalMs: 10_000 },
      jarCacheMaxBytes: 2 * 1024 ** 3,
      eventStreamPollIntervalMs: 500,
      eventStreamHeartbeatMs: 15_000,
      databaseTimeouts: { connectMs: 3000, statementMs: 5000 },
      healthProbeIntervalMs: 5000,
      healthProbeTimeoutMs: 2000,
      webhookAllowedHosts: ['*'],
      webhookTimeoutMs: 15_000,
      webhookRetryDelaysMs: [5000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000],
      webhookPollIntervalMs: 250,
      instanceId: expect.stringMatching(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{6}$`)),
    });
    expect(loadConfig({}).instanceId, 'two processes on one host are told apart').not.toBe(loadConfig({}).instanceId);
    expect(loadConfig({ INSTANCE_ID: 'replica-a' }).instanceId).toBe('replica-a');
  });

  it('uses PostgreSQL when DATABASE_URL is set, and trims trailing slashes of URLs', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db:5432/jobs',
      FLINK_JOBMANAGER_URL: 'http://flink-jobmanager:8081/',
      PORT: '9000',
      LOG_LEVEL: 'debug',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://app@db:5432/jobs' });
    expect(config.flinkJobManagerUrl).toBe('http://flink-jobmanager:8081');
    expect(config.flinkWebUrl, 'Flink’s web UI: the JobManager’s address unless told').toBe('http://flink-jobmanager:8081');
    expect(loadConfig({ FLINK_WEB_URL: 'https://flink.example/' }).flinkWebUrl).toBe('https://flink.example');
    expect(config.port).toBe(9000);
    expect(config.logLevel).toBe('debug');
  });

  it('reads the allowed JAR hosts as a comma list; by default only the origin of DATA_PROCESSOR_URL', () => {
    expect(loadConfig({ JAR_ALLOWED_HOSTS: ' Repo.example , localhost:8090' }).jarAllowedHosts).toEqual(['repo.example', 'localhost:8090']);
    expect(loadConfig({ DATA_PROCESSOR_URL: 'http://jars.internal:9000' }).jarAllowedHosts).toEqual(['jars.internal:9000']);
    expect(loadConfig({ DATA_PROCESSOR_URL: 'https://Jars.Internal/base/' }).jarAllowedHosts).toEqual(['jars.internal:443']);
  });

  it('reads the database timeouts and the health probe settings', () => {
    const config = loadConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      HEALTH_PROBE_INTERVAL_MS: '10000',
      HEALTH_PROBE_TIMEOUT_MS: '750',
    });
    expect(config.databaseTimeouts).toEqual({ connectMs: 1000, statementMs: 2500 });
    expect([config.healthProbeIntervalMs, config.healthProbeTimeoutMs]).toEqual([10_000, 750]);
  });

  it('reads the webhook settings', () => {
    const config = loadConfig({
      WEBHOOK_ALLOWED_HOSTS: ' * , Hooks.Internal:8443,127.0.0.1:9000',
      WEBHOOK_TIMEOUT_SECONDS: '2.5',
      WEBHOOK_RETRY_SCHEDULE: ' 500ms, 1.5s ,2m,1h,',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    expect(config.webhookAllowedHosts).toEqual(['*', 'hooks.internal:8443', '127.0.0.1:9000']);
    expect(config.webhookTimeoutMs).toBe(2500);
    expect(config.webhookRetryDelaysMs).toEqual([500, 1500, 120_000, 3_600_000]);
    expect(config.webhookPollIntervalMs).toBe(100);
    expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'hooks.internal' }).webhookAllowedHosts, 'no * unless listed').toEqual(['hooks.internal']);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '10s' }).webhookRetryDelaysMs).toEqual([10_000]);
  });

  it('reads the execution retention, fractions of a day included, and the JAR cache cap', () => {
    const config = loadConfig({
      EXECUTION_RETENTION_DAYS: '0.5',
      EXECUTION_RETENTION_PER_JOB: '20',
      EXECUTION_SWEEP_INTERVAL_MS: '2000',
      JAR_CACHE_MAX_BYTES: '1048576',
    });
    expect(config.executionRetention).toEqual({ maxAgeMs: 43_200_000, keepPerJob: 20, sweepIntervalMs: 2000 });
    expect(config.jarCacheMaxBytes).toBe(1_048_576);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(8080);
    expect(loadConfig({ DATABASE_URL: '' }).database.kind).toBe('pglite');
  });

  it.each([
    { env: { PORT: 'abc' }, message: 'Invalid PORT="abc": must be an integer from 0 to 65535' },
    { env: { PORT: '70000' }, message: 'Invalid PORT="70000": must be an integer from 0 to 65535' },
    { env: { DATABASE_URL: 'not a url' }, message: 'Invalid DATABASE_URL="not a url": must be a postgres:// or postgresql:// URL' },
    { env: { DATABASE_URL: 'mysql://x/y' }, message: 'Invalid DATABASE_URL="mysql://x/y": must be a postgres:// or postgresql:// URL' },
    { env: { FLINK_JOBMANAGER_URL: 'ftp://x' }, message: 'Invalid FLINK_JOBMANAGER_URL="ftp://x": must be an http:// or https:// URL' },
    { env: { FLINK_WEB_URL: 'javascript:alert(1)' }, message: 'Invalid FLINK_WEB_URL="javascript:alert(1)": must be an http:// or https:// URL' },
    { env: { FLINK_POLL_INTERVAL_MS: '0' }, message: 'Invalid FLINK_POLL_INTERVAL_MS="0": must be a positive whole number of milliseconds' },
    { env: { JAR_ALLOWED_HOSTS: 'a b' }, message: "Invalid JAR_ALLOWED_HOSTS=\"a b\": must be a comma-separated list of hosts: JAR_ALLOWED_HOSTS entry 'a b' is not a host name, IP address or host:port" },
    { env: { LOG_LEVEL: 'loud' }, message: 'Invalid LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent' },
    { env: { DATABASE_STATEMENT_TIMEOUT_MS: '0' }, message: 'Invalid DATABASE_STATEMENT_TIMEOUT_MS="0": must be a positive whole number of milliseconds' },
    { env: { DATABASE_CONNECT_TIMEOUT_MS: '1.5' }, message: 'Invalid DATABASE_CONNECT_TIMEOUT_MS="1.5": must be a positive whole number of milliseconds' },
    { env: { EVENT_RETENTION_DAYS: '0' }, message: 'Invalid EVENT_RETENTION_DAYS="0": must be a positive whole number of days' },
    { env: { EXECUTION_RETENTION_DAYS: '-1' }, message: 'Invalid EXECUTION_RETENTION_DAYS="-1": must be a positive number of days' },
    { env: { EXECUTION_RETENTION_PER_JOB: '0' }, message: 'Invalid EXECUTION_RETENTION_PER_JOB="0": must be a positive whole number of runs' },
    { env: { EXECUTION_SWEEP_INTERVAL_MS: 'often' }, message: 'Invalid EXECUTION_SWEEP_INTERVAL_MS="often": must be a positive whole number of milliseconds' },
    { env: { JAR_CACHE_MAX_BYTES: '1.5' }, message: 'Invalid JAR_CACHE_MAX_BYTES="1.5": must be a positive whole number of bytes' },
    { env: { HEALTH_PROBE_TIMEOUT_MS: 'soon' }, message: 'Invalid HEALTH_PROBE_TIMEOUT_MS="soon": must be a positive whole number of milliseconds' },
    { env: { DATABASE_URL: 'postgres://app:pw@db:99999/jobs' }, message: 'Invalid DATABASE_URL="postgres://app:***@db:99999/jobs": must be a postgres:// or postgresql:// URL' },
    { env: { WEBHOOK_ALLOWED_HOSTS: '*,a b' }, message: "Invalid WEBHOOK_ALLOWED_HOSTS=\"*,a b\": must be a comma-separated list of hosts or *: WEBHOOK_ALLOWED_HOSTS entry 'a b' is not a host name, IP address or host:port" },
    { env: { WEBHOOK_TIMEOUT_SECONDS: '0' }, message: 'Invalid WEBHOOK_TIMEOUT_SECONDS="0": must be a positive number of seconds' },
    { env: { WEBHOOK_POLL_INTERVAL_MS: '-5' }, message: 'Invalid WEBHOOK_POLL_INTERVAL_MS="-5": must be a positive whole number of milliseconds' },
    ...[
      ['5s,30', "'30' is not a duration such as 500ms, 30s, 2m or 1h"],
      ['5s,0m', "'0m' is not longer than 0"],
      ['5s,-1s', "'-1s' is not a duration such as 500ms, 30s, 2m or 1h"],
      ['1d', "'1d' is not a duration such as 500ms, 30s, 2m or 1h"],
      [',', 'no duration given'],
    ].map(([value, reason]) => ({
      env: { WEBHOOK_RETRY_SCHEDULE: value! },
      message: `Invalid WEBHOOK_RETRY_SCHEDULE=${JSON.stringify(value)}: must be a comma-separated list of durations with a unit (ms, s, m, h), each longer than 0: ${reason}`,
    })),
  ])('rejects $env with one line naming the variable', ({ env, message }) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  describe('JAR_FETCH_CREDENTIALS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjs-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    it('reads per-host credentials, and shows only their hosts when the config is printed', () => {
      const path = file('good', '# JAR hosts\n\nrepo.example bearer tok-SECRET-1\nlocalhost:8090 basic ci:pa ss-SECRET-2\n');
      const config = loadConfig({ JAR_FETCH_CREDENTIALS_FILE: path });
      expect(config.jarFetchCredentials.hosts).toEqual(['repo.example', 'localhost:8090']);
      expect(config.jarFetchCredentials.authorizationFor(new URL('https://repo.example/a.jar'))).toBe('Bearer tok-SECRET-1');
      const printed = [JSON.stringify(config), inspect(config, { depth: 5 })];
      for (const text of printed) expect(text).not.toContain('SECRET');
    });

    it.each([
      ['a line without credentials', 'repo.example bearer\n', 'line 1: expected'],
      ['an unknown scheme', '\n# x\nrepo.example token SECRET\n', 'line 3: the second field must be bearer or basic'],
      ['basic without a user', 'repo.example basic SECRET\n', "line 1: basic credentials are '<user>:<password>'"],
      ['a bad host', 'http://repo.example bearer SECRET\n', 'line 1: the first field is not a host or host:port'],
      ['a host twice', 'a.example bearer SECRET\nA.example:80 bearer SECRET2\n', 'line 2: the same host and port as line 1'],
    ])('refuses %s with one line naming the line number, never the secret', (_case, text, reason) => {
      const path = file('bad', text);
      let message = '';
      try {
        loadConfig({ JAR_FETCH_CREDENTIALS_FILE: path });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toContain(`Invalid JAR_FETCH_CREDENTIALS_FILE=${JSON.stringify(path)}: ${reason}`);
      expect(message).not.toContain('SECRET');
      expect(message.split('\n')).toHaveLength(1);
    });

    it('refuses a file it cannot read', () => {
      const path = join(dir, 'missing');
      expect(() => loadConfig({ JAR_FETCH_CREDENTIALS_FILE: path })).toThrow(
        new ConfigError(`Invalid JAR_FETCH_CREDENTIALS_FILE=${JSON.stringify(path)}: cannot be read (ENOENT)`),
      );
    });
  });
});
