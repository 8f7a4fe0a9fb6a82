import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { JobDefinition } from '../../../domain/entities/job.js';
import { jobs } from './schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every definition a job had: one row per version, written in the transaction of the create, replace or rollback
 * that made it. `definition` is the JobDefinition as stored (the API's field names). Deleting a job deletes its
 * rows; the cascade covers the retention sweep's removal of the job row too.
 */
export const jobVersions = pgTable(
  'job_versions',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<JobDefinition>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    /** The API key's name of who made it; null where it is not known (versions from before they were kept). */
    changedBy: text('changed_by'),
  },
  // The key serves both reads: a version by number, and the newest-first listing.
  (table) => [primaryKey({ columns: [table.jobId, table.version] })],
);

export type JobVersionRow = typeof jobVersions.$inferSelect;
