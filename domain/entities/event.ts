import type { Backfill } from './backfill.js';
import type { Execution, ExecutionStatus } from './execution.js';
import type { Job } from './job.js';
import { executionResource, jobDefinitionResource, scheduleResource } from './representations.js';
import { savepointResource, type Savepoint } from './savepoint.js';
import type { Schedule } from './schedule.js';
import { upgradeResource, type Upgrade } from './upgrade.js';

export const EVENT_TYPES = [
  'run.queued',
  'run.started',
  'run.succeeded',
  'run.failed',
  'run.stopped',
  'run.skipped',
  'run.retry_scheduled',
  'schedule.ticks_missed',
  'schedule.paused',
  'schedule.resumed',
  'schedule.ended',
  'job.created',
  'job.replaced',
  'job.deleted',
  'backfill.created',
  'backfill.completed',
  'backfill.cancelled',
  'savepoint.triggered',
  'savepoint.completed',
  'savepoint.failed',
  'savepoint.disposed',
  'upgrade.started',
  'upgrade.succeeded',
  'upgrade.failed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What a change reports, written in the change's transaction. The store gives it its id and sequence. */
export interface NewEvent {
  type: EventType;
  /** The job the change is about. */
  subject: string;
  time: Date;
  /** The resource as the API shows it (see representations.ts), or what the event counts. */
  data: unknown;
}

export interface StoredEvent extends NewEvent {
  /** Unique, and the same every time the event is delivered. */
  id: string;
  /** Its place in the order events are listed and delivered in. */
  sequence: string;
}

/** The status an execution is saved in, when it moved there, and the event it makes; none for the steps between. */
const EVENT_OF_STATUS: Partial<Record<ExecutionStatus, EventType>> = {
  RUNNING: 'run.started',
  SUCCEEDED: 'run.succeeded',
  FAILED: 'run.failed',
  STOPPED: 'run.stopped',
};

/** The event of an execution saved in `status` when it was in another one before; undefined when there is none. */
export function eventTypeOfStatusChange(status: ExecutionStatus): EventType | undefined {
  return EVENT_OF_STATUS[status];
}

/**
 * The event of a newly stored execution: a tick that did not run is `run.skipped`, a retry (automatic or asked
 * for) `run.retry_scheduled`, any other new run, waiting or about to launch, `run.queued`.
 */
export function eventTypeOfNewExecution(execution: Pick<Execution, 'status' | 'trigger'>): EventType {
  if (execution.status === 'SKIPPED') return 'run.skipped';
  if (execution.trigger === 'retry') return 'run.retry_scheduled';
  return 'run.queued';
}

/** An event about an execution: it carries the execution as the API shows it, at the time of its last status. */
export function runEvent(type: EventType, execution: Execution): NewEvent {
  const time = execution.history[execution.history.length - 1]?.at ?? execution.createdAt;
  return { type, subject: execution.jobId, time, data: executionResource(execution) };
}

export function jobEvent(type: 'job.created' | 'job.replaced' | 'job.deleted', job: Job, time: Date): NewEvent {
  return { type, subject: job.id, time, data: jobDefinitionResource(job) };
}

export function scheduleEvent(
  type: 'schedule.paused' | 'schedule.resumed' | 'schedule.ended',
  view: { schedule: Schedule; nextRunTimes: Date[]; ended: boolean },
  time: Date,
): NewEvent {
  return { type, subject: view.schedule.jobId, time, data: scheduleResource(view.schedule, view.nextRunTimes, view.ended) };
}

/**
 * An event about a backfill: it carries the backfill as stored, with its state after the change (its progress is
 * read from `GET /api/v1/backfills/:id`; a completed backfill has run every tick).
 */
export function backfillEvent(
  type: 'backfill.created' | 'backfill.completed' | 'backfill.cancelled',
  backfill: Backfill,
  time: Date,
): NewEvent {
  const { from, to, createdAt, updatedAt, ...rest } = backfill;
  return {
    type,
    subject: backfill.jobId,
    time,
    data: { ...rest, from: from.toISOString(), to: to.toISOString(), createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() },
  };
}

/** An event about a savepoint of the catalog: it carries the savepoint as the API shows it. */
export function savepointEvent(
  type: 'savepoint.triggered' | 'savepoint.completed' | 'savepoint.failed' | 'savepoint.disposed',
  savepoint: Savepoint,
  time: Date,
): NewEvent {
  return { type, subject: savepoint.jobId, time, data: savepointResource(savepoint) };
}

/** An event about an upgrade: it carries the upgrade as stored, after the change. */
export function upgradeEvent(type: 'upgrade.started' | 'upgrade.succeeded' | 'upgrade.failed', upgrade: Upgrade, time: Date): NewEvent {
  return { type, subject: upgrade.jobId, time, data: upgradeResource(upgrade) };
}

/** Ticks that came due while no replica fired them and that will not run (see `catchUp`). */
export interface MissedTicks {
  count: number;
  /** False when `count` is an estimate (a very long outage of a dense pattern). */
  exact: boolean;
  /** The oldest missed tick and the time the outage was noticed. */
  from: Date;
  until: Date;
}

export function ticksMissedEvent(jobId: string, missed: MissedTicks): NewEvent {
  return {
    type: 'schedule.ticks_missed',
    subject: jobId,
    time: missed.until,
    data: { jobId, count: missed.count, exact: missed.exact, window: { from: missed.from.toISOString(), until: missed.until.toISOString() } },
  };
}

/** Where events say they come from (CloudEvents `source`). */
export const EVENT_SOURCE = '/flink-job-scheduler';

/** An event in CloudEvents 1.0 structured JSON, as it is listed, streamed and delivered. */
export function cloudEvent(event: StoredEvent) {
  return {
    specversion: '1.0' as const,
    id: event.id,
    type: event.type,
    source: EVENT_SOURCE,
    subject: event.subject,
    time: event.time.toISOString(),
    datacontenttype: 'application/json' as const,
    /** CloudEvents' sequence extension: pass it as `after` to read on from this event. */
    sequence: event.sequence,
    data: event.data,
  };
}
