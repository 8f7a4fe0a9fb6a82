import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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

/** The listing order key; keyset pagination compares against it. */
export const jobNameOrder = sql`${jobs.name} collate "C"`;

export type JobRow = typeof jobs.$inferSelect;
