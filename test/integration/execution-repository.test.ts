import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJarUploadRegistry } from '../../adapters/output/repository/drizzle-jar-upload-registry.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleScheduleRepository } from '../../adapters/output/repository/drizzle-schedule-repository.js';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { systemClock } from '../../adapters/output/system/system-clock.js';
import { events, flinkJarUploads, jobExecutions, jobs } from '../../adapters/output/repository/schema.js';
import { and, eq, sql } from 'drizzle-orm';
import { newExecution, retryExecution, skippedExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { SqlScheduleSignal } from '../../adapters/output/repository/sql-schedule-signal.js';
import { walkedTo } from '../../domain/services/executions/launch-path.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';
import { waitFor } from '../support/wait.js';
import { createJob, replaceJob, type Job } from '../../domain/entities/job.js';
import { createSchedule, pauseSchedule } from '../../domain/entities/schedule.js';
import type { JobWithSchedule } from '../../domain/ports/output/job-repository.js';
import { JobAlreadyRunningError } from '../../domain/errors.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition, aScheduleDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const base = new Date('2026-05-01T00:00:00.000Z');
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);

describe.each(backends)('execution persistence on $name', (backend) => {
  let database: OpenedDatabase;
  let executions: DrizzleExecutionRepository;
  let uploads: DrizzleJarUploadRegistry;
  let jobRepository: DrizzleJobRepository;
  let job: Job;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    executions = new DrizzleExecutionRepository(database.db, { owner: 'test-instance', ttlMs: 60_000, clock: systemClock });
    uploads = new DrizzleJarUploadRegistry(database.db);
    jobRepository = new DrizzleJobRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(flinkJarUploads);
    await database.db.delete(jobExecutions);
    await database.db.delete(jobs);
    job = createJob(aJobDefinition({ name: `job-${counter}` }), newId(), base);
    await jobRepository.insert(job);
  });

  async function stored(seconds: number, exclusive = true): Promise<Execution> {
    const execution = newExecution({ id: newId(), jobId: job.id, trigger: 'manual', now: at(seconds) });
    await executions.insert(execution, { exclusive });
    return execution;
  }

  async function finish(execution: Execution, savepointPath?: string): Promise<Execution> {
    let current = execution;
    for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING'] as const) {
      current = (await executions.save(transition(current, status, at(100))))!;
    }
    return (await executions.save(transition(current, 'STOPPED', at(200), { savepointPath })))!;
  }

  it('stores every field, history and stop request included, and reads it back, alone and in a page', async () => {
    const execution = newExecution({
      id: newId(),
      jobId: job.id,
      trigger: 'retry',
      attempt: 2,
      restoredFrom: { savepointPath: 'file:///sp/1', allowNonRestoredState: true },
      now: at(0),
    });
    await executions.insert(execution, { exclusive: true });
    const stopping = transition(transition(execution, 'DOWNLOADING', at(1), { detail: 'go' }), 'STOPPING', at(2));
    stopping.stopRequest = { mode: 'savepoint', drain: true, reason: 'user', requestedAt: at(2), savepointTriggerId: 't-1' };
    const saved = await executions.save(stopping);
    expect(saved).toEqual({ ...stopping, revision: 1 });
    expect(await executions.findById(execution.id)).toEqual({ ...stopping, revision: 1 });
    // Pages read each run as one JSON value: the same run, field by field, as read column by column.
    expect(await executions.list({ jobId: job.id, limit: 1 })).toStrictEqual([await executions.findById(execution.id)]);
  });

  it('refuses a save based on an old revision, so concurrent writers never clobber each other', async () => {
    const execution = await stored(0);
    const first = await executions.save(transition(execution, 'DOWNLOADING', at(1)));
    expect(first?.revision).toBe(1);
    expect(await executions.save(transition(execution, 'STOPPED', at(1)))).toBeUndefined();
    expect((await executions.findById(execution.id))?.status).toBe('DOWNLOADING');
  });

  it('stores a value a save clears as null, and the event of a status once, on its first save in it', async () => {
    const execution = await stored(0);
    const downloading = transition(execution, 'DOWNLOADING', at(1));
    downloading.stopRequest = { mode: 'cancel', drain: false, reason: 'user', requestedAt: at(1) };
    let current = (await executions.save(downloading))!;
    current = (await executions.save({ ...current, stopRequest: null }))!;
    for (const status of ['UPLOADING', 'SUBMITTING', 'RUNNING'] as const) {
      current = (await executions.save(transition(current, status, at(2))))!;
    }
    // Saved again in the status it is in: no second event.
    expect(await executions.save(current)).toMatchObject({ revision: current.revision + 1 });
    const [row] = await database.db
      .select({ cleared: sql<boolean>`${jobExecutions.stopRequest} is null and ${jobExecutions.error} is null` })
      .from(jobExecutions)
      .where(eq(jobExecutions.id, execution.id));
    expect(row?.cleared).toBe(true);
    const started = await database.db
      .select({ data: events.data })
      .from(events)
      .where(and(eq(events.type, 'run.started'), sql`${events.data}->>'id' = ${execution.id}`));
    expect(started).toHaveLength(1);
    expect(started[0]?.data).toMatchObject({ id: execution.id, status: 'RUNNING' });
    expect((await executions.findById(execution.id))?.history.map((entry) => entry.status).at(-1)).toBe('RUNNING');
  });

  it('lets the database refuse a second active exclusive run, naming the active one', async () => {
    const active = await stored(0);
    const second = stored(1);
    await expect(second).rejects.toBeInstanceOf(JobAlreadyRunningError);
    await expect(second).rejects.toMatchObject({ executionId: active.id });
    await stored(2, false);
    await finish(active);
    await expect(stored(3)).resolves.toBeDefined();
  });

  it('stores a run asRead only while its job and what a start takes from its schedule are as read, not beside an active run', async () => {
    const schedules = new DrizzleScheduleRepository(database.db, { owner: 'test-instance', ttlMs: 60_000, clock: systemClock });
    const attempt = async (asRead: JobWithSchedule) => {
      const execution = newExecution({ id: newId(), jobId: job.id, trigger: 'manual', now: at(0) });
      return { stored: await executions.insert(execution, { exclusive: true, asRead }), id: execution.id };
    };
    const count = async () => (await database.db.select().from(jobExecutions).where(eq(jobExecutions.jobId, job.id))).length;
    const unscheduled = (await jobRepository.findWithSchedule(job.id))!;
    const first = await attempt(unscheduled);
    expect(first.stored).toBe(true);
    // Still as read, but an exclusive run is active: the unique index's refusal, as without asRead.
    await expect(attempt(unscheduled)).rejects.toMatchObject({ code: 'JOB_ALREADY_RUNNING', executionId: first.id });
    await finish((await executions.findById(first.id))!);

    const schedule = createSchedule(new CronerCalculator(), job.id, aScheduleDefinition(), at(10));
    await schedules.save(schedule, at(60));
    // The schedule made since: no run stored, and no event of one.
    expect((await attempt(unscheduled)).stored).toBe(false);
    const scheduled = (await jobRepository.findWithSchedule(job.id))!;
    expect((await attempt(scheduled)).stored).toBe(true);
    const active = async () => (await executions.findActiveForJob(job.id))[0]!;
    await finish(await active());

    // Paused: a new version of the schedule, but what a start takes from it is the same.
    await schedules.save(pauseSchedule(schedule, 'maintenance', at(15)), null);
    expect((await attempt(scheduled)).stored).toBe(true);
    await finish(await active());
    // Made again with overlaps allowed: the runs are not exclusive any more, so what was read no longer holds.
    await schedules.remove(job.id);
    await schedules.save(createSchedule(new CronerCalculator(), job.id, aScheduleDefinition({ overlapPolicy: 'allow' }), at(20)), at(60));
    expect((await attempt(scheduled)).stored).toBe(false);
    const remade = (await jobRepository.findWithSchedule(job.id))!;

    // A replaced job, then a deleted one.
    const replaced = await jobRepository.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: current.name }), at(30)));
    expect((await attempt(remade)).stored).toBe(false);
    await jobRepository.remove(job.id, at(40));
    expect((await attempt({ job: replaced!, schedule: null })).stored).toBe(false);
    expect(await count()).toBe(3);
    const runEvents = await database.db.select().from(events).where(eq(events.type, 'run.queued'));
    expect(runEvents.filter((event) => event.subject === job.id)).toHaveLength(3);
  });

  it('lets exactly one of concurrent exclusive starts in', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => stored(i)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
  });

  it('lists newest first, pages by cursor, filters by status', async () => {
    const old = await finish(await stored(0));
    const middle = await finish(await stored(10));
    const newest = await stored(20);
    const firstPage = await executions.list({ jobId: job.id, limit: 2 });
    expect(firstPage.map((e) => e.id)).toEqual([newest.id, middle.id]);
    const rest = await executions.list({ jobId: job.id, limit: 2, after: { createdAt: middle.createdAt, id: middle.id } });
    expect(rest.map((e) => e.id)).toEqual([old.id]);
    expect((await executions.list({ jobId: job.id, limit: 10, status: 'STOPPED' })).map((e) => e.id)).toEqual([middle.id, old.id]);
  });

  it('finds active runs, the newest run of each job, and the latest savepoint', async () => {
    const done = await finish(await stored(0), 'file:///sp/old');
    await finish(await stored(5), 'file:///sp/new');
    const active = await stored(10);
    const skipped = skippedExecution({ id: newId(), jobId: job.id, scheduledFor: at(20), reason: { code: 'OVERLAP', message: 'busy' }, now: at(20) });
    await executions.insert(skipped, { exclusive: false });
    expect((await executions.renewLeases(10)).held).toEqual([{ id: active.id, status: 'PENDING', createdAt: at(10), mayBeOnFlink: false }]);
    expect((await executions.findActiveForJob(job.id)).map((e) => e.id)).toEqual([active.id]);
    const latest = await executions.latestForJobs([job.id, newId()]);
    expect(latest.size).toBe(1);
    expect(latest.get(job.id)).toMatchObject({ id: active.id, status: 'PENDING' });
    expect(await executions.latestSavepoint(job.id)).toBe('file:///sp/new');
    expect(done.savepointPath).toBe('file:///sp/old');
  });

  it('ends a run and stores its retry in one transaction, once, as exclusive as the run it retries', async () => {
    const run = await stored(0, false);
    const failed = transition(run, 'FAILED', at(1), { error: { code: 'JAR_DOWNLOAD_FAILED', message: 'HTTP 503' } });
    const retry = retryExecution(failed, { id: newId(), now: at(1), notBefore: at(31) });
    const saved = await executions.saveWithRetry(failed, retry);
    expect(saved).toMatchObject({ status: 'FAILED', revision: 1 });
    expect(await executions.findRetryOf(run.id)).toEqual({ ...retry, revision: 0 });
    expect(await executions.findQueued(10)).toEqual([{ ...retry, revision: 0 }]);

    // A writer holding the old revision stores nothing: no second retry.
    expect(await executions.saveWithRetry(failed, retryExecution(failed, { id: newId(), now: at(2), notBefore: at(32) }))).toBeUndefined();
    expect(await executions.findQueuedForJob(job.id)).toHaveLength(1);
    const byHand = retryExecution(failed, { id: newId(), now: at(3), notBefore: null });
    await expect(executions.insert(byHand, { exclusive: true })).rejects.toMatchObject({
      code: 'EXECUTION_ALREADY_RETRIED',
      retryId: retry.id,
    });

    // The retry was stored non-exclusive like its run: it may start beside an exclusive run.
    await stored(4);
    const started = await executions.save(transition((await executions.findById(retry.id))!, 'PENDING', at(40)));
    expect(started).toMatchObject({ status: 'PENDING', queue: null });
  });

  it('keeps a queued exclusive run from starting while another exclusive run of the job is active', async () => {
    const active = await stored(0);
    const waiting = newExecution({ id: newId(), jobId: job.id, trigger: 'schedule', scheduledFor: at(1), queue: { notBefore: null, stopActive: false }, now: at(1) });
    await executions.insert(waiting, { exclusive: true });
    const start = executions.save(transition(waiting, 'PENDING', at(2)));
    await expect(start).rejects.toBeInstanceOf(JobAlreadyRunningError);
    await expect(start).rejects.toMatchObject({ executionId: active.id });
    expect((await executions.findById(waiting.id))!.status).toBe('QUEUED');
    await finish(active);
    expect(await executions.save(transition(waiting, 'PENDING', at(3)))).toMatchObject({ status: 'PENDING' });
    expect(await executions.findQueued(10)).toEqual([]);
  });

  it('tells the lease round which held runs may be on Flink already', async () => {
    const run = await stored(30);
    const submitting = (await executions.save(walkedTo(run, 'SUBMITTING', at(31), {})))!;
    const heldNow = async () => (await executions.renewLeases(10)).held.find((held) => held.id === run.id);
    expect(await heldNow()).toEqual({ id: run.id, status: 'SUBMITTING', createdAt: at(30), mayBeOnFlink: true });
    await executions.save(transition(submitting, 'STOPPING', at(32)));
    expect(await heldNow()).toMatchObject({ status: 'STOPPING', mayBeOnFlink: true });
  });

  it('hands a run to another instance once its lease runs out, and at once when its instance lets go', async () => {
    const clock = new FixedClock(at(0));
    const first = new DrizzleExecutionRepository(database.db, { owner: 'first', ttlMs: 6000, clock });
    const second = new DrizzleExecutionRepository(database.db, { owner: 'second', ttlMs: 6000, clock });
    const run = newExecution({ id: newId(), jobId: job.id, trigger: 'manual', now: at(0) });
    await first.insert(run, { exclusive: true });
    const queued = newExecution({ id: newId(), jobId: job.id, trigger: 'schedule', scheduledFor: at(0), queue: { notBefore: null, stopActive: false }, now: at(0) });
    await second.insert(queued, { exclusive: true });

    const ids = (leases: { held: { id: string }[]; takenOver: Execution[] }) => ({
      held: leases.held.map((e) => e.id),
      takenOver: leases.takenOver.map((e) => e.id),
    });
    expect(ids(await second.renewLeases(10)), 'a queued run is nobody’s to drive').toEqual({ held: [], takenOver: [] });
    clock.advance(5000);
    expect(ids(await first.renewLeases(10))).toEqual({ held: [run.id], takenOver: [] });
    clock.advance(5000); // renewed at 5 s: valid until 11 s
    expect(ids(await second.renewLeases(10))).toEqual({ held: [], takenOver: [] });
    clock.advance(1001); // the first instance died after renewing at 5 s
    expect(ids(await second.renewLeases(10))).toEqual({ held: [], takenOver: [run.id] });
    expect(ids(await first.renewLeases(10)), 'a late first instance finds it gone').toEqual({ held: [], takenOver: [] });
    expect(ids(await second.renewLeases(10))).toEqual({ held: [run.id], takenOver: [] });

    await second.releaseLeases();
    expect(ids(await first.renewLeases(10))).toEqual({ held: [], takenOver: [run.id] });
  });

  it('delivers a schedule change announced on one connection to a subscriber, until it unsubscribes', async () => {
    const signal = new SqlScheduleSignal(database.db, database.listen);
    const heard: string[] = [];
    const unsubscribe = await signal.subscribe((jobId) => heard.push(jobId));
    try {
      await signal.announce(job.id);
      await waitFor(async () => heard.length, (count) => count > 0, 5000, 'the notification');
      expect(heard).toEqual([job.id]);
    } finally {
      await unsubscribe();
    }

    // Notifications arrive in the order they were sent: once a later subscriber hears the next change, the first
    // one would have heard it too had it still been listening.
    await signal.announce('after-unsubscribing');
    const later: string[] = [];
    const unsubscribeLater = await signal.subscribe((jobId) => later.push(jobId));
    try {
      await signal.announce('to-the-later-subscriber');
      await waitFor(async () => later.length, (count) => count > 0, 5000, 'the later notification');
      expect(later).toEqual(['to-the-later-subscriber']);
      expect(heard).toEqual([job.id]);
    } finally {
      await unsubscribeLater();
    }
  });

  it('keeps runs readable after their job is deleted', async () => {
    const execution = await finish(await stored(0));
    await jobRepository.remove(job.id, at(500));
    expect(await executions.findById(execution.id)).toMatchObject({ id: execution.id, status: 'STOPPED' });
    expect(await executions.list({ jobId: job.id, limit: 10 })).toHaveLength(1);
  });

  it('remembers uploads per content and cluster, and hands back the ones new content supersedes', async () => {
    const cluster = 'http://127.0.0.1:8081';
    expect(await uploads.find('a'.repeat(64), cluster)).toBeUndefined();
    expect(await uploads.record({ sha256: 'a'.repeat(64), clusterAddress: cluster, jarId: 'jar-a', jobId: job.id, at: at(0) })).toEqual([]);
    expect(await uploads.find('a'.repeat(64), cluster)).toBe('jar-a');
    expect(await uploads.find('a'.repeat(64), 'http://other:8081')).toBeUndefined();
    expect(await uploads.record({ sha256: 'b'.repeat(64), clusterAddress: cluster, jarId: 'jar-b', jobId: job.id, at: at(1) })).toEqual(['jar-a']);
    expect(await uploads.find('a'.repeat(64), cluster)).toBeUndefined();
    await uploads.forget('jar-b', cluster);
    expect(await uploads.find('b'.repeat(64), cluster)).toBeUndefined();
  });
});
