import type * as auditRoutes from '../audit/routes.js';
import type * as backfillRoutes from '../backfills/routes.js';
import type * as docsRoutes from '../docs/routes.js';
import type * as eventRoutes from '../events/routes.js';
import type * as executionRoutes from '../executions/routes.js';
import type * as exceptionRoutes from '../exceptions/routes.js';
import type * as healthRoutes from '../health/routes.js';
import type * as jobRoutes from '../jobs/routes.js';
import type * as versionRoutes from '../job-versions/routes.js';
import type * as metricsRoutes from '../metrics/routes.js';
import type * as planRoutes from '../plans/routes.js';
import type * as savepointRoutes from '../savepoints/routes.js';
import type * as scheduleRoutes from '../schedules/routes.js';
import type * as consoleRoutes from '../ui/routes.js';
import type * as summaryRoutes from '../summary/routes.js';
import type * as upgradeRoutes from '../upgrades/routes.js';
import type * as webhookRoutes from '../webhooks/routes.js';
import type { RouteAccess } from './guard.js';

type TableOf<Routes> = { readonly [Name in keyof Routes]: RouteAccess };

const audited = (role: RouteAccess['role'], action: string, resourceType: string): RouteAccess => ({
  role,
  audit: { action, resourceType },
});

/**
 * Who may call each route: the one table of permissions. Reads (`/metrics` too) need `viewer`; the controls of
 * executions, schedules and backfills `operator`; defining jobs and schedules, and reading the audit trail, `admin`. Webhooks
 * are `admin` even to read: a webhook URL can itself be a credential (a chat hook's is). Every route must have its
 * line (the types insist), and every mutating route names its audit action.
 */
export const ACCESS: {
  jobs: TableOf<typeof jobRoutes>;
  versions: TableOf<typeof versionRoutes>;
  executions: TableOf<typeof executionRoutes>;
  exceptions: TableOf<typeof exceptionRoutes>;
  plans: TableOf<typeof planRoutes>;
  schedules: TableOf<typeof scheduleRoutes>;
  backfills: TableOf<typeof backfillRoutes>;
  savepoints: TableOf<typeof savepointRoutes>;
  upgrades: TableOf<typeof upgradeRoutes>;
  audit: TableOf<typeof auditRoutes>;
  events: TableOf<typeof eventRoutes>;
  health: TableOf<typeof healthRoutes>;
  docs: TableOf<typeof docsRoutes>;
  metrics: TableOf<typeof metricsRoutes>;
  webhooks: TableOf<typeof webhookRoutes>;
  console: TableOf<typeof consoleRoutes>;
  summary: TableOf<typeof summaryRoutes>;
} = {
  jobs: {
    createJob: audited('admin', 'job.create', 'job'),
    listJobs: { role: 'viewer' },
    getJob: { role: 'viewer' },
    replaceJob: audited('admin', 'job.replace', 'job'),
    deleteJob: audited('admin', 'job.delete', 'job'),
  },
  // A rollback changes the job's definition, as a replace does: the same role.
  versions: {
    listVersions: { role: 'viewer' },
    getVersion: { role: 'viewer' },
    rollbackJob: audited('admin', 'job.rollback', 'job'),
  },
  executions: {
    startJob: audited('operator', 'run.start', 'job'),
    stopJob: audited('operator', 'run.stop', 'job'),
    listExecutions: { role: 'viewer' },
    listAllExecutions: { role: 'viewer' },
    retryExecution: audited('operator', 'run.retry', 'execution'),
    getExecution: { role: 'viewer' },
    purgeExecutions: audited('admin', 'run.purge', 'job'),
  },
  exceptions: {
    getExecutionExceptions: { role: 'viewer' },
  },
  // A plan check has Flink run a job's main(), as a start does: an operator's control. It changes nothing the
  // service keeps (at most the JAR Flink holds), so it leaves no audit row.
  plans: {
    checkPlan: { role: 'operator' },
  },
  schedules: {
    setSchedule: audited('admin', 'schedule.set', 'job'),
    getSchedule: { role: 'viewer' },
    deleteSchedule: audited('admin', 'schedule.delete', 'job'),
    pauseSchedule: audited('operator', 'schedule.pause', 'job'),
    resumeSchedule: audited('operator', 'schedule.resume', 'job'),
    triggerSchedule: audited('operator', 'schedule.trigger', 'job'),
  },
  // A backfill starts runs, as a start does: an operator's control (a dry run too, so that it says what one would do).
  backfills: {
    createBackfill: audited('operator', 'backfill.create', 'job'),
    listBackfills: { role: 'viewer' },
    getBackfill: { role: 'viewer' },
    cancelBackfill: audited('operator', 'backfill.cancel', 'backfill'),
  },
  // Savepoints are a control of runs, as a stop is: an operator takes and disposes of them.
  savepoints: {
    triggerSavepoint: audited('operator', 'savepoint.trigger', 'job'),
    listSavepoints: { role: 'viewer' },
    getSavepoint: { role: 'viewer' },
    disposeSavepoint: audited('operator', 'savepoint.dispose', 'savepoint'),
  },
  // Upgrades start with a replace or rollback (admin, as those are); reading them is a read like any other.
  upgrades: {
    listUpgrades: { role: 'viewer' },
    getUpgrade: { role: 'viewer' },
  },
  audit: {
    listAuditEvents: { role: 'admin' },
  },
  events: {
    listEvents: { role: 'viewer' },
    streamEvents: { role: 'viewer' },
    followExecution: { role: 'viewer' },
  },
  health: {
    health: { role: 'public' },
    liveness: { role: 'public' },
    readiness: { role: 'public' },
  },
  // The reference page and its files: what the page shows is `/openapi.json`, public too.
  docs: {
    home: { role: 'public' },
    reference: { role: 'public' },
    referenceFile: { role: 'public' },
  },
  // A read like any other: Prometheus sends a viewer's key as its bearer token.
  metrics: {
    readMetrics: { role: 'viewer' },
  },
  summary: {
    readSummary: { role: 'viewer' },
  },
  webhooks: {
    createWebhook: audited('admin', 'webhook.create', 'webhook'),
    listWebhooks: { role: 'admin' },
    getWebhook: { role: 'admin' },
    replaceWebhook: audited('admin', 'webhook.replace', 'webhook'),
    deleteWebhook: audited('admin', 'webhook.delete', 'webhook'),
    rotateWebhookSecret: audited('admin', 'webhook.rotate_secret', 'webhook'),
    listDeliveries: { role: 'admin' },
    getDelivery: { role: 'admin' },
    replayDelivery: audited('admin', 'webhook.replay', 'webhook'),
    replayEventsSince: audited('admin', 'webhook.replay', 'webhook'),
    sendTestEvent: audited('admin', 'webhook.test', 'webhook'),
  },  // The web console's pages are reads; its stylesheet and the key form are open, so a browser can sign in.
  console: {
    jobsPage: { role: 'viewer' },
    jobPage: { role: 'viewer' },
    executionPage: { role: 'viewer' },
    stylesheet: { role: 'public' },
    icon: { role: 'public' },
    loginPage: { role: 'public' },
    login: { role: 'public', audit: { action: 'console.login', resourceType: 'console' } },
    logout: { role: 'public' },
  },
};
