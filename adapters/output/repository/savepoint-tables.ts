import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { SavepointOrigin, SavepointStatusName } from '../../../domain/entities/savepoint.js';
import { jobExecutions, jobs } from './schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The savepoint catalog: every savepoint the service triggered, with Flink's trigger id so that whichever instance
 * follows the run next can ask Flink how it went. A periodic savepoint is claimed by inserting its row: the unique
 * index on (job, due time) lets exactly one replica store, and so trigger, each due savepoint.
 */
export const savepoints = pgTable(
  'savepoints',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => jobExecutions.id, { onDelete: 'cascade' }),
    jobVersion: integer('job_version').notNull(),
    path: text('path'),
    origin: text('origin').$type<SavepointOrigin>().notNull(),
    status: text('status').$type<SavepointStatusName>().notNull(),
    triggerId: text('trigger_id'),
    dueAt: timestamptz('due_at'),
    createdAt: timestamptz('created_at').notNull(),
    completedAt: timestamptz('completed_at'),
    error: text('error'),
  },
  (table) => [
    index('savepoints_job_idx').on(table.jobId, table.createdAt.desc(), table.id.desc()),
    index('savepoints_pending_idx').on(table.executionId).where(sql`${table.status} = 'PENDING'`),
    uniqueIndex('savepoints_one_per_due_time').on(table.jobId, table.dueAt).where(sql`${table.dueAt} is not null`),
  ],
);

export type SavepointRow = typeof savepoints.$inferSelect;
