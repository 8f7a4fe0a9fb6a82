import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Backfill, BackfillState, Reprocess } from '../../../domain/entities/backfill.js';
import { jobs } from './schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Backfills: a job's past ticks run again on request. `ticks` (ISO instants, oldest first) is decided at creation;
 * instances claim `running` rows with row locks and store the next ticks' runs while fewer than `max_active` of its
 * runs are busy. A tick already run by the backfill is never run by it again (`job_executions_one_per_backfill_tick`).
 */
export const backfills = pgTable(
  'backfills',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    fromAt: timestamptz('from_at').notNull(),
    toAt: timestamptz('to_at').notNull(),
    reprocess: text('reprocess').$type<Reprocess>().notNull(),
    maxActive: integer('max_active').notNull(),
    ticks: jsonb('ticks').$type<string[]>().notNull(),
    tickCount: integer('tick_count').notNull(),
    state: text('state').$type<BackfillState>().notNull(),
    requestedBy: text('requested_by'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [
    index('backfills_running_idx').on(table.createdAt).where(sql`${table.state} = 'running'`),
    index('backfills_job_idx').on(table.jobId, table.createdAt.desc(), table.id.desc()),
  ],
);

export type BackfillRow = typeof backfills.$inferSelect;

/** A row as the domain's backfill (its ticks are read by claims only). */
export function toBackfill(row: Omit<BackfillRow, 'ticks'>): Backfill {
  return {
    id: row.id,
    jobId: row.jobId,
    from: row.fromAt,
    to: row.toAt,
    reprocess: row.reprocess,
    maxActive: row.maxActive,
    tickCount: row.tickCount,
    state: row.state,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
