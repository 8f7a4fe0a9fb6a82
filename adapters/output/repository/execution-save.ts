import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgInsertValue, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { AuditEvent } from '../../../domain/entities/audit.js';
import {
  eventTypeOfNewExecution,
  eventTypeOfStatusChange,
  runEvent,
  type EventType,
  type NewEvent,
} from '../../../domain/entities/event.js';
import type { Execution } from '../../../domain/entities/execution.js';
import type { JobWithSchedule } from '../../../domain/ports/output/job-repository.js';
import type { AppDatabase } from './database.js';
import { auditRowSql } from './drizzle-audit-trail.js';
import { alongsideSql, changeWithEventSql, somethingChanged } from './event-outbox.js';
import { leaseColumns, type LeaseTerms } from './execution-leases.js';
import { executionRow } from './execution-rows.js';
import { endFailureStreakSql, jobSchedules } from './schedule-table.js';
import { auditEvents, jobExecutions, jobs, type ExecutionRow } from './schema.js';
import { driverValue, StatementTemplate } from './statement-template.js';

const executionColumns = getTableColumns(jobExecutions);
const auditColumns = Object.entries(getTableColumns(auditEvents));

/** A placeholder as SQL (see StatementTemplate). */
const value = (name: string) => sql`${sql.placeholder(name)}`;

/** Where a run's event goes in a statement built once; `eventValues` fills them in. */
const eventPlaceholders = { subject: value('eventSubject'), time: value('eventTime'), data: value('eventData') };

/**
 * The save of a run, one statement for each event type a save may make (none included), with and without the end of
 * a failure streak, built at its first use.
 */
const saveStatements = new Map<string, StatementTemplate>();

/**
 * The save of a run: its `columns` (every column `executionRow` writes but the ones that never change), its revision
 * bumped if it is still the one read; with `type`, the event of its new status too, if the status changed.
 */
function saveStatement(
  db: AppDatabase,
  columns: string[],
  type: EventType | undefined,
  endFailureStreak: boolean,
): StatementTemplate {
  // A run leaving the queue is driven by the instance that starts it.
  const leaving = sql`${jobExecutions.status} = 'QUEUED'`;
  const update = db
    .update(jobExecutions)
    .set({
      ...(Object.fromEntries(columns.map((column) => [column, value(column)])) as PgUpdateSetSource<typeof jobExecutions>),
      revision: value('newRevision'),
      leaseOwner: sql`case when ${leaving} then ${value('leaseOwner')} else ${jobExecutions.leaseOwner} end`,
      leaseUntil: sql`case when ${leaving} then ${value('leaseUntil')}::timestamptz else ${jobExecutions.leaseUntil} end`,
    })
    .where(and(eq(jobExecutions.id, value('id')), eq(jobExecutions.revision, value('revision'))))
    .returning({ revision: jobExecutions.revision });
  const alongside = endFailureStreak ? [endFailureStreakSql(value('jobId'), somethingChanged)] : [];
  if (!type && alongside.length === 0) return new StatementTemplate(update.getSQL());
  if (!type) {
    return new StatementTemplate(sql`with changed as (${update.getSQL()})${alongsideSql(alongside)} select * from changed`);
  }
  const changedStatus = statusChanged(value('status'), value('id'));
  return new StatementTemplate(changeWithEventSql(update.getSQL(), type, eventPlaceholders, changedStatus, alongside));
}

/** Whether the run `id` is in another status than `status` (before the statement that asks). */
export function statusChanged(status: SQL, id: unknown): SQL {
  return sql`(select ${jobExecutions.status} from ${jobExecutions} where ${jobExecutions.id} = ${id}) <> ${status}`;
}

/** The insert of a new run, one statement for each event type it may make, with and without an audit row or a guard. */
const insertStatements = new Map<string, StatementTemplate>();

/**
 * The insert of a run's row (`columns`), left out when a unique index refuses it and, when `guarded`, when its job or
 * schedule is no longer as read (see `asReadSql`), with its event of `type` and, when `audited`, its audit row, both
 * only if the row was stored: one statement commits all of it or none.
 */
function insertStatement(db: AppDatabase, columns: string[], type: EventType, audited: boolean, guarded: boolean): StatementTemplate {
  const insert = guarded
    ? guardedInsertSql(columns)
    : db
        .insert(jobExecutions)
        .values(Object.fromEntries(columns.map((column) => [column, value(column)])) as PgInsertValue<typeof jobExecutions>)
        .onConflictDoNothing()
        .returning({ id: jobExecutions.id })
        .getSQL();
  const audit = audited ? [auditRowSql((key) => sql.placeholder(`audit_${key}`), somethingChanged)] : [];
  return new StatementTemplate(changeWithEventSql(insert, type, eventPlaceholders, undefined, audit));
}

/**
 * The insert of `insertStatement` from a select that yields the row only while `asReadSql` holds. A select's
 * placeholders have no column to take their types from, so each is cast to its column's type.
 */
function guardedInsertSql(columns: string[]): SQL {
  const column = (key: string) => executionColumns[key as keyof ExecutionRow];
  const names = sql.join(columns.map((key) => sql.identifier(column(key).name)), sql`, `);
  const row = sql.join(columns.map((key) => sql`cast(${value(key)} as ${sql.raw(column(key).getSQLType())})`), sql`, `);
  return sql`insert into ${jobExecutions} (${names}) select ${row} where ${asReadSql}
    on conflict do nothing returning ${jobExecutions.id}`;
}

/**
 * Whether the job of placeholder `jobId` is live at version `readJobVersion`, and its schedule gives a start what it
 * gave when read: none when `readCron` is null, else that cron, time zone and overlap policy (the run's exclusivity
 * and its placeholders' data interval come from them; its counters, pause and tick times do not matter to a start).
 */
export const asReadSql = sql`exists (
    select 1 from ${jobs} where ${jobs.id} = cast(${value('jobId')} as uuid)
      and ${jobs.version} = cast(${value('readJobVersion')} as integer) and ${jobs.deletedAt} is null
  ) and case when cast(${value('readCron')} as text) is null
    then not exists (select 1 from ${jobSchedules} where ${jobSchedules.jobId} = cast(${value('jobId')} as uuid))
    else exists (
      select 1 from ${jobSchedules} where ${jobSchedules.jobId} = cast(${value('jobId')} as uuid)
        and ${jobSchedules.cron} = cast(${value('readCron')} as text)
        and ${jobSchedules.timezone} = cast(${value('readTimezone')} as text)
        and ${jobSchedules.overlapPolicy} = cast(${value('readOverlapPolicy')} as text)
    ) end`;

/** The values of `asReadSql`'s placeholders for a job and schedule as read. */
export function asReadValues({ job, schedule }: JobWithSchedule): Record<string, unknown> {
  return {
    jobId: job.id,
    readJobVersion: job.version,
    readCron: schedule?.cron ?? null,
    readTimezone: schedule?.timezone ?? null,
    readOverlapPolicy: schedule?.overlapPolicy ?? null,
  };
}

/** The statement that stores a new run (see `insertStatement`), with its values. */
export function insertOf(
  db: AppDatabase,
  execution: Execution,
  options: { exclusive: boolean; audit?: AuditEvent; asRead?: JobWithSchedule },
  terms: LeaseTerms,
): { statement: StatementTemplate; values: Record<string, unknown> } {
  const row: Record<string, unknown> = { ...executionRow(execution), exclusive: options.exclusive, ...leaseColumns(terms) };
  const type = eventTypeOfNewExecution(execution);
  const audited = options.audit !== undefined;
  const guarded = options.asRead !== undefined;
  const key = `${type} ${audited} ${guarded}`;
  let statement = insertStatements.get(key);
  if (!statement) insertStatements.set(key, (statement = insertStatement(db, Object.keys(row), type, audited, guarded)));
  const values: Record<string, unknown> = eventValues(runEvent(type, execution));
  for (const [key, value] of Object.entries(row)) values[key] = columnValue(key, value);
  const audit = options.audit as unknown as Record<string, unknown> | undefined;
  if (audit) for (const [key, column] of auditColumns) values[`audit_${key}`] = driverValue(column, audit[key]);
  if (options.asRead) Object.assign(values, asReadValues(options.asRead));
  return { statement, values };
}

/** A value of a job_executions column as sent. */
function columnValue(key: string, value: unknown): unknown {
  return driverValue(executionColumns[key as keyof ExecutionRow], value);
}

/** The placeholders of a run's event, filled in. */
function eventValues(event: NewEvent): Record<string, unknown> {
  return { eventSubject: event.subject, eventTime: event.time.toISOString(), eventData: JSON.stringify(event.data) };
}

/** The statement that saves `execution` (see `saveStatement`), with its values. */
export function saveOf(
  db: AppDatabase,
  execution: Execution,
  terms: LeaseTerms,
  endFailureStreak = false,
): { statement: StatementTemplate; values: Record<string, unknown> } {
  const type = eventTypeOfStatusChange(execution.status);
  const { id, jobId, createdAt, revision, ...changes } = executionRow(execution);
  const key = `${type ?? ''} ${endFailureStreak}`;
  let statement = saveStatements.get(key);
  if (!statement) saveStatements.set(key, (statement = saveStatement(db, Object.keys(changes), type, endFailureStreak)));
  const { leaseOwner, leaseUntil } = leaseColumns(terms);
  const values: Record<string, unknown> = {
    id,
    jobId,
    revision,
    newRevision: execution.revision + 1,
    leaseOwner,
    leaseUntil: leaseUntil.toISOString(),
  };
  for (const [key, value] of Object.entries(changes)) values[key] = columnValue(key, value);
  if (type) Object.assign(values, eventValues(runEvent(type, execution)));
  return { statement, values };
}
