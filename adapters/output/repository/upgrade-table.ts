import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ExecutionError, RestoreSettings } from '../../../domain/entities/execution.js';
import type { UpgradeMode, UpgradeState } from '../../../domain/entities/upgrade.js';
import { jobs } from './schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The states of an upgrade still under way, as the partial indexes name them. */
const IN_PROGRESS = sql`state in ('STOPPING', 'STARTING', 'ROLLING_BACK')`;

/**
 * Upgrades of running jobs to a new version. Instances advance those in progress from their scheduler loops, each
 * row locked (SKIP LOCKED) by one of them at a time. A job has at most one in progress: the unique index decides
 * between two requests that raced past the check.
 */
export const upgrades = pgTable(
  'upgrades',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    mode: text('mode').$type<UpgradeMode>().notNull(),
    state: text('state').$type<UpgradeState>().notNull(),
    fromVersion: integer('from_version').notNull(),
    toVersion: integer('to_version').notNull(),
    oldExecutionId: uuid('old_execution_id').notNull(),
    newExecutionId: uuid('new_execution_id'),
    rollbackExecutionId: uuid('rollback_execution_id'),
    restoredFrom: jsonb('restored_from').$type<RestoreSettings>(),
    rolledBack: boolean('rolled_back').notNull().default(false),
    error: jsonb('error').$type<ExecutionError>(),
    requestedBy: text('requested_by'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('upgrades_one_in_progress_per_job').on(table.jobId).where(IN_PROGRESS),
    index('upgrades_in_progress_idx').on(table.updatedAt).where(IN_PROGRESS),
    index('upgrades_job_idx').on(table.jobId, table.createdAt.desc(), table.id.desc()),
  ],
);

export type UpgradeRow = typeof upgrades.$inferSelect;
