import { sql, type SQL } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { OverlapPolicy } from '../../../domain/entities/schedule.js';
import { jobs } from './schema.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One cron schedule per job. `next_fire_at` is the oldest tick not handled yet, `next_due_at` that tick plus its
 * jitter: instances claim rows whose `next_due_at` has passed, with row locks, so each tick is handled once.
 */
export const jobSchedules = pgTable(
  'job_schedules',
  {
    jobId: uuid('job_id')
      .primaryKey()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull(),
    overlapPolicy: text('overlap_policy').$type<OverlapPolicy>().notNull(),
    catchupWindowSeconds: integer('catchup_window_seconds').notNull(),
    jitterSeconds: integer('jitter_seconds').notNull(),
    startAt: timestamptz('start_at'),
    endAt: timestamptz('end_at'),
    paused: boolean('paused').notNull(),
    pauseNote: text('pause_note'),
    nextFireAt: timestamptz('next_fire_at'),
    nextDueAt: timestamptz('next_due_at'),
    lastFireAt: timestamptz('last_fire_at'),
    runsStarted: integer('runs_started').notNull().default(0),
    ticksSkipped: integer('ticks_skipped').notNull().default(0),
    ticksMissed: integer('ticks_missed').notNull().default(0),
    /** How many more ticks may start a run (null: no limit); 0 ends the schedule. */
    remainingRuns: integer('remaining_runs'),
    pauseAfterFailures: integer('pause_after_failures'),
    deadlineSeconds: integer('deadline_seconds'),
    deadlinesMissed: integer('deadlines_missed').notNull().default(0),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** The ids of the last scheduled runs that failed in a row, for the note of a pause after failures. */
    failureStreak: jsonb('failure_streak').$type<string[]>().notNull().default([]),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  (table) => [
    index('job_schedules_due_idx')
      .on(table.nextDueAt)
      .where(sql`not ${table.paused} and ${table.nextDueAt} is not null`),
    // The summary's next ticks: the schedules that fire soonest, by tick rather than jittered due time.
    index('job_schedules_next_fire_idx').on(table.nextFireAt, table.jobId).where(sql`not ${table.paused} and ${table.nextFireAt} is not null`),
  ],
);

export type ScheduleRow = typeof jobSchedules.$inferSelect;

/**
 * The end of a schedule's failures in a row, after a success, written (and the row locked) only when there were
 * some: the end of every successful run would otherwise hold up the claims. `also`: a further condition.
 */
export function endFailureStreakSql(jobId: unknown, also: SQL = sql`true`): SQL {
  const s = jobSchedules;
  return sql`update ${s} set consecutive_failures = 0, failure_streak = '[]'::jsonb
    where ${s.jobId} = ${jobId} and (${s.consecutiveFailures} <> 0 or ${s.failureStreak} <> '[]'::jsonb) and ${also}`;
}
