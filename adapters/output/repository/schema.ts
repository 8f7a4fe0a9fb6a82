import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  ACTIVE_STATUSES,
  type ExecutionError,
  type ExecutionStatus,
  type ExecutionTrigger,
  type RestoreSettings,
} from '../../../domain/entities/execution.js';
import type { EventType } from '../../../domain/entities/event.js';
import type { ConfigValue } from '../../../domain/entities/job.js';
import type { JobRestore } from '../../../domain/entities/restore.js';
import type { RetryPolicy } from '../../../domain/entities/retry-policy.js';
import type { SavepointPolicy } from '../../../domain/entities/savepoint.js';
import type { StoredHistoryEntry, StoredQueueTerms, StoredStopRequest } from './stored-execution-json.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Job definitions. A deleted job keeps its row (with `deleted_at` set) so that the runs recorded for it stay
 * queryable and keep pointing at the definition they ran; the retention sweep removes it once they are all gone
 * (execution-retention-sql.ts, which `jobs_deleted_idx` serves). Names are unique among
 * live jobs only, so a deleted job's name can be used again.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    jarUrl: text('jar_url').notNull(),
    entryClass: text('entry_class').notNull(),
    config: jsonb('config').$type<Record<string, ConfigValue>>().notNull().default({}),
    args: jsonb('args').$type<string[]>().notNull().default([]),
    parallelism: integer('parallelism'),
    flinkConfiguration: jsonb('flink_configuration').$type<Record<string, string>>().notNull().default({}),
    jarSha256: text('jar_sha256'),
    timeoutSeconds: integer('timeout_seconds'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    /** Null for jobs stored before retries existed: they read as RETRY_DEFAULTS. */
    retryPolicy: jsonb('retry_policy').$type<RetryPolicy>(),
    /** The job's restore strategy with its options; null: none set. */
    restore: jsonb('restore').$type<JobRestore>(),
    /** Null: the job's runs take savepoints only when asked. */
    savepointPolicy: jsonb('savepoint_policy').$type<SavepointPolicy>(),
    version: integer('version').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    deletedAt: timestamptz('deleted_at'),
  },
  (table) => [
    uniqueIndex('jobs_live_name_key').on(table.name).where(sql`${table.deletedAt} is null`),
    // Listing orders by name in byte order, so PGlite and every PostgreSQL install agree on the order.
    index('jobs_live_name_id_idx')
      .on(sql`${table.name} collate "C"`, table.id)
      .where(sql`${table.deletedAt} is null`),
    // Label filters are containment only: jsonb_path_ops keeps each key-value pair as one entry (jsonb_ops also reads
    // the key's). Written through: GIN's pending list of recent inserts is read by every filter until a vacuum.
    index('jobs_labels_idx').using('gin', table.labels.op('jsonb_path_ops')).with({ fastupdate: false }),
    index('jobs_deleted_idx').on(table.deletedAt).where(sql`${table.deletedAt} is not null`),
  ],
);

/**
 * The statuses of ACTIVE_STATUSES, written out, not as parameters: a query that repeats it word for word can use the
 * partial indexes built on it (`status in ('PENDING', 'DOWNLOADING', ...)`, in the domain's order).
 */
export const ACTIVE_LIST = ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ');
export const ACTIVE = sql.raw(`status in (${ACTIVE_LIST})`);

/**
 * One row per run. It references its job, whose row outlives a delete (see `jobs`), so runs stay queryable.
 * `exclusive` runs may not overlap: the partial unique index lets the database refuse a second active one.
 */
export const jobExecutions = pgTable(
  'job_executions',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    trigger: text('trigger').$type<ExecutionTrigger>().notNull(),
    attempt: integer('attempt').notNull(),
    scheduledFor: timestamptz('scheduled_for'),
    status: text('status').$type<ExecutionStatus>().notNull(),
    exclusive: boolean('exclusive').notNull().default(true),
    flinkJobId: text('flink_job_id').notNull(),
    flinkJarId: text('flink_jar_id'),
    programArgs: jsonb('program_args').$type<string[]>(), // as sent to Flink, stored with the move to SUBMITTING
    savepointPath: text('savepoint_path'),
    restoredFrom: jsonb('restored_from').$type<RestoreSettings>(),
    error: jsonb('error').$type<ExecutionError>(),
    stopRequest: jsonb('stop_request').$type<StoredStopRequest>(),
    history: jsonb('history').$type<StoredHistoryEntry[]>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    startedAt: timestamptz('started_at'),
    endedAt: timestamptz('ended_at'),
    revision: integer('revision').notNull().default(0),
    /** What a QUEUED run waits for. */
    queue: jsonb('queue').$type<StoredQueueTerms>(),
    /** The failed run this one retries: one retry per failed run. */
    retryOf: uuid('retry_of'),
    /** Who asked for it: an API key's name, `schedule` for a tick, `retry` for an automatic retry; null before keys. */
    requestedBy: text('requested_by'),
    /** A scheduled run's tick plus its schedule's deadlineSeconds; `deadline_missed` once it was past it unfinished. */
    deadlineAt: timestamptz('deadline_at'),
    deadlineMissed: boolean('deadline_missed').notNull().default(false),
    /**
     * The instance that drives the run while `lease_until` or that instance's heartbeat (`execution_instances`) is in
     * the future; any instance takes it over after. `lease_until` covers a new run until its instance's next heartbeat.
     */
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamptz('lease_until'),
    /** The backfill that ran this tick; its retries keep it, so that they count against its `max_active` too. */
    backfillId: uuid('backfill_id'),
    /** The job's version when the run was created (a retry keeps its run's); null for runs from before versions were kept. */
    jobVersion: integer('job_version'),
    /** An upgrade's run: the run it replaces, or for a rollback the failed run of the new version. */
    upgradeOf: uuid('upgrade_of'),
  },
  (table) => [
    uniqueIndex('job_executions_one_active_per_job').on(table.jobId).where(sql`${table.exclusive} and ${ACTIVE}`),
    index('job_executions_job_newest_idx').on(table.jobId, table.createdAt.desc(), table.id.desc()),
    index('job_executions_active_idx').on(table.createdAt).where(ACTIVE),
    // An instance's lease round reads the runs it drives.
    index('job_executions_lease_owner_idx').on(table.leaseOwner).where(ACTIVE),
    // One run of the schedule per (job, tick): a tick claimed twice cannot start twice. Other runs may share the tick.
    uniqueIndex('job_executions_one_per_tick')
      .on(table.jobId, table.scheduledFor, table.attempt)
      .where(sql`${table.scheduledFor} is not null and ${table.trigger} = 'schedule'`),
    uniqueIndex('job_executions_one_retry_per_run').on(table.retryOf).where(sql`${table.retryOf} is not null`),
    index('job_executions_queued_idx').on(table.createdAt).where(sql`${table.status} = 'QUEUED'`),
    // A claim counts each job's queued runs (schedule-claims.ts).
    index('job_executions_queued_job_idx').on(table.jobId).where(sql`${table.status} = 'QUEUED'`),
    index('job_executions_created_idx').on(table.createdAt, table.id),
    index('job_executions_status_created_idx').on(table.status, table.createdAt, table.id), // sql-run-overview.ts
    // A backfill runs each of its ticks once, whichever replica claims it.
    uniqueIndex('job_executions_one_per_backfill_tick').on(table.backfillId, table.scheduledFor).where(sql`${table.trigger} = 'backfill'`),
    index('job_executions_backfill_status_idx').on(table.backfillId, table.status).where(sql`${table.backfillId} is not null`),
  ],
);

/**
 * The instances that drive executions, each alive while it renews `alive_until` (its heartbeat): an execution's lease
 * holds while its own `lease_until` or its owner's heartbeat is in the future (see execution-leases.ts).
 */
export const executionInstances = pgTable('execution_instances', {
  owner: text('owner').primaryKey(),
  aliveUntil: timestamptz('alive_until').notNull(),
});

/** JARs this service uploaded to a Flink cluster, so the same content is uploaded once per cluster. */
export const flinkJarUploads = pgTable(
  'flink_jar_uploads',
  {
    clusterAddress: text('cluster_address').notNull(),
    jarId: text('jar_id').notNull(),
    sha256: text('sha256').notNull(),
    jobId: uuid('job_id').notNull(),
    uploadedAt: timestamptz('uploaded_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.clusterAddress, table.jarId] }),
    index('flink_jar_uploads_content_idx').on(table.sha256, table.clusterAddress),
  ],
);

export type ExecutionRow = typeof jobExecutions.$inferSelect;

/**
 * The audit trail: one row per mutating request, allowed or refused. A change that committed has its row written
 * in the same transaction; a refused request (nothing changed) has its row written on its own.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    at: timestamptz('at').notNull(),
    /** The API key's name; `anonymous` without a key, `unknown` for a key that is not known. */
    actor: text('actor').notNull(),
    role: text('role'),
    /** Such as `job.delete` or `run.stop`; `request` when the request matched no route. */
    action: text('action').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    /** The HTTP status the request was answered with. */
    outcome: integer('outcome').notNull(),
    requestId: text('request_id').notNull(),
    sourceAddress: text('source_address'),
    /** The job's version before and after the change (null where there was none). */
    versionBefore: integer('version_before'),
    versionAfter: integer('version_after'),
    /** The operator's reason, from the X-Operator-Reason header. */
    reason: text('reason'),
  },
  (table) => [
    index('audit_events_at_idx').on(table.at, table.id),
    index('audit_events_actor_idx').on(table.actor, table.at),
    index('audit_events_action_idx').on(table.action, table.at),
    index('audit_events_resource_idx').on(table.resourceId, table.at),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;

/** The outbox: each event written in its change's transaction, `tx` that transaction's id (see event-outbox.ts). */
export const events = pgTable(
  'events',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    tx: bigint('tx', { mode: 'bigint' }).notNull().default(sql`pg_current_xact_id()::text::bigint`),
    id: uuid('id').notNull().unique().defaultRandom(),
    type: text('type').$type<EventType>().notNull(),
    subject: uuid('subject').notNull(),
    time: timestamptz('time').notNull(),
    data: jsonb('data').notNull(),
  },
  (table) => [
    index('events_order_idx').on(table.tx, table.seq),
    index('events_subject_idx').on(table.subject, table.tx, table.seq),
    index('events_time_idx').on(table.time),
  ],
);

/** Secrets the service makes for itself and shares between replicas, such as the key that signs page tokens. */
export const serviceSecrets = pgTable('service_secrets', {
  name: text('name').primaryKey(),
  /** Base64 of the secret's bytes. */
  value: text('value').notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export type JobRow = typeof jobs.$inferSelect;
