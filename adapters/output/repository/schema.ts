import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type {
  ExecutionError,
  ExecutionStatus,
  ExecutionTrigger,
  RestoreSettings,
} from '../../../domain/entities/execution.js';
import type { ConfigValue } from '../../../domain/entities/job.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Job definitions. A deleted job keeps its row (with `deleted_at` set) so that the runs recorded for it stay
 * queryable and keep pointing at the definition they ran; only a purge removes it. Names are unique among
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
    index('jobs_labels_idx').using('gin', table.labels),
  ],
);

/** History entries and stop requests as stored: dates as ISO strings inside JSON. */
export interface StoredHistoryEntry {
  status: ExecutionStatus;
  at: string;
  detail?: string;
}

export interface StoredStopRequest {
  mode: 'savepoint' | 'cancel';
  drain: boolean;
  reason: 'user' | 'timeout';
  requestedAt: string;
  savepointTriggerId?: string;
  cancelRequestedAt?: string;
}

const ACTIVE = sql`status in ('PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING')`;

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
    status: text('status').$type<ExecutionStatus>().notNull(),
    exclusive: boolean('exclusive').notNull().default(true),
    flinkJobId: text('flink_job_id').notNull(),
    flinkJarId: text('flink_jar_id'),
    savepointPath: text('savepoint_path'),
    restoredFrom: jsonb('restored_from').$type<RestoreSettings>(),
    error: jsonb('error').$type<ExecutionError>(),
    stopRequest: jsonb('stop_request').$type<StoredStopRequest>(),
    history: jsonb('history').$type<StoredHistoryEntry[]>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    startedAt: timestamptz('started_at'),
    endedAt: timestamptz('ended_at'),
    revision: integer('revision').notNull().default(0),
  },
  (table) => [
    uniqueIndex('job_executions_one_active_per_job').on(table.jobId).where(sql`${table.exclusive} and ${ACTIVE}`),
    index('job_executions_job_newest_idx').on(table.jobId, table.createdAt.desc(), table.id.desc()),
    index('job_executions_active_idx').on(table.createdAt).where(ACTIVE),
  ],
);

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

/** The listing order key; keyset pagination compares against it. */
export const jobNameOrder = sql`${jobs.name} collate "C"`;

export type JobRow = typeof jobs.$inferSelect;
