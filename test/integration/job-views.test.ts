import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleJobViewReader } from '../../adapters/output/repository/drizzle-job-view-reader.js';
import { DrizzleScheduleRepository } from '../../adapters/output/repository/drizzle-schedule-repository.js';
import { rowsOf } from '../../adapters/output/repository/database.js';
import { jobExecutions, jobs } from '../../adapters/output/repository/schema.js';
import { systemClock } from '../../adapters/output/system/system-clock.js';
import type { ExecutionStatus } from '../../domain/entities/execution.js';
import { createJob, type Job } from '../../domain/entities/job.js';
import { createSchedule, pauseSchedule } from '../../domain/entities/schedule.js';
import { JobNotFoundError } from '../../domain/errors.js';
import type { JobQuery } from '../../domain/ports/output/job-repository.js';
import type { StoredJobView } from '../../domain/ports/output/job-view-reader.js';
import { JobViewService } from '../../domain/services/job-view-service.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition, aScheduleDefinition } from '../support/job-definitions.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';

const backends = await testBackends();
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const base = new Date('2026-05-01T00:00:00.000Z');
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);
const cron = new CronerCalculator();
const everyMinute = aScheduleDefinition();

describe.each(backends)('jobs with their last execution and schedule on $name', (backend) => {
  let database: OpenedDatabase;
  let jobRepository: DrizzleJobRepository;
  let schedules: DrizzleScheduleRepository;
  let executions: DrizzleExecutionRepository;
  let reader: DrizzleJobViewReader;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    const leases = { owner: 'test-instance', ttlMs: 60_000, clock: systemClock };
    jobRepository = new DrizzleJobRepository(database.db);
    schedules = new DrizzleScheduleRepository(database.db, leases);
    executions = new DrizzleExecutionRepository(database.db, leases);
    reader = new DrizzleJobViewReader(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(jobExecutions);
    await database.db.delete(jobs);
  });

  async function aJob(name: string, labels: Record<string, string> = {}): Promise<Job> {
    const job = createJob(aJobDefinition({ name, labels }), newId(), base);
    await jobRepository.insert(job);
    return job;
  }

  /** A run of `job` created `seconds` after the base time, stored as it is, not exclusive. */
  async function aRun(job: Job, status: ExecutionStatus, seconds: number, id = newId()): Promise<string> {
    await database.db.insert(jobExecutions).values({
      id,
      jobId: job.id,
      trigger: 'manual',
      attempt: 1,
      status,
      exclusive: false,
      flinkJobId: id.replaceAll('-', ''),
      history: [{ status, at: at(seconds).toISOString() }],
      createdAt: at(seconds),
      startedAt: status === 'SKIPPED' ? null : at(seconds + 1),
      endedAt: status === 'RUNNING' ? null : at(seconds + 2),
    });
    return id;
  }

  /** What the three reads the view replaces answer for these jobs. */
  async function viewsFromSeparateReads(jobsToRead: Job[]): Promise<StoredJobView[]> {
    const ids = jobsToRead.map((job) => job.id);
    const [last, found] = await Promise.all([executions.latestForJobs(ids), schedules.findMany(ids)]);
    return jobsToRead.map((job) => ({ job, lastExecution: last.get(job.id) ?? null, schedule: found.get(job.id) ?? null }));
  }

  it('reads a job without runs or schedule with neither', async () => {
    const job = await aJob('alone');
    expect(await reader.findView(job.id)).toEqual({ job, lastExecution: null, schedule: null });
  });

  it('takes the newest run that is not SKIPPED, and none when every run was skipped', async () => {
    const skippedOnly = await aJob('skipped-only');
    await aRun(skippedOnly, 'SKIPPED', 10);
    await aRun(skippedOnly, 'SKIPPED', 20);
    const mixed = await aJob('mixed');
    await aRun(mixed, 'FAILED', 10);
    const newest = await aRun(mixed, 'SUCCEEDED', 20);
    await aRun(mixed, 'SKIPPED', 30);
    expect((await reader.findView(skippedOnly.id))!.lastExecution).toBeNull();
    expect((await reader.findView(mixed.id))!.lastExecution).toEqual({
      id: newest,
      status: 'SUCCEEDED',
      createdAt: at(20),
      startedAt: at(21),
      endedAt: at(22),
    });
    expect(await reader.listViews({ limit: 10 })).toEqual(await viewsFromSeparateReads([mixed, skippedOnly]));
  });

  it('breaks a tie in creation time by the higher id, as the execution list orders runs', async () => {
    const job = await aJob('tied');
    await aRun(job, 'SUCCEEDED', 10, '00000000-0000-4000-8000-00000000a001');
    await aRun(job, 'RUNNING', 10, '00000000-0000-4000-8000-00000000a002');
    const [view] = await reader.listViews({ limit: 1 });
    expect(view!.lastExecution).toMatchObject({ id: '00000000-0000-4000-8000-00000000a002', status: 'RUNNING', endedAt: null });
  });

  it('shows a paused schedule as stored, and none once it is deleted', async () => {
    const job = await aJob('scheduled');
    const schedule = pauseSchedule(createSchedule(cron, job.id, everyMinute, base), 'maintenance', at(5));
    await schedules.save(schedule, null);
    expect((await reader.findView(job.id))!.schedule).toEqual(schedule);
    const service = new JobViewService(reader, cron, new FixedClock(at(10)));
    expect((await service.getJobView(job.id)).schedule).toEqual({ schedule, nextRunTimes: [], ended: false });
    await schedules.remove(job.id);
    expect((await reader.findView(job.id))!.schedule).toBeNull();
  });

  it('gives an active schedule its next five run times', async () => {
    const job = await aJob('every-minute');
    await schedules.save(createSchedule(cron, job.id, everyMinute, base), at(60));
    const service = new JobViewService(reader, cron, new FixedClock(at(30)));
    const { schedule } = await service.getJobView(job.id);
    expect(schedule!.nextRunTimes).toEqual([60, 120, 180, 240, 300].map(at));
  });

  it('does not find a deleted job, a malformed id or an unknown one', async () => {
    const job = await aJob('deleted');
    await aRun(job, 'SUCCEEDED', 10);
    await jobRepository.remove(job.id, at(100));
    expect(await reader.findView(job.id)).toBeUndefined();
    expect(await reader.listViews({ limit: 10 })).toEqual([]);
    const service = new JobViewService(reader, cron, new FixedClock(at(200)));
    for (const id of [job.id, 'not-a-uuid', newId()]) {
      await expect(service.getJobView(id)).rejects.toBeInstanceOf(JobNotFoundError);
    }
  });

  it('lists pages filtered by labels and name prefix in (name, id) order, each job with its own run and schedule', async () => {
    const all: Job[] = [];
    for (let i = 0; i < 7; i++) {
      const job = await aJob(`etl-${i}`, { team: i % 2 === 0 ? 't7' : 't8', tier: 'gold' });
      all.push(job);
      if (i % 3 !== 0) await aRun(job, i % 3 === 1 ? 'SUCCEEDED' : 'SKIPPED', i);
      if (i % 2 === 0) await schedules.save(createSchedule(cron, job.id, everyMinute, base), at(60));
    }
    await aJob('other-0', { team: 't7' });
    const team7 = all.filter((job) => job.labels.team === 't7');
    const query: JobQuery = { limit: 3, labels: { team: 't7', tier: 'gold' }, namePrefix: 'etl-' };
    const first = await reader.listViews(query);
    const last = first[first.length - 1]!.job;
    const second = await reader.listViews({ ...query, after: { name: last.name, id: last.id } });
    expect(first).toEqual(await viewsFromSeparateReads(team7.slice(0, 3)));
    expect(second).toEqual(await viewsFromSeparateReads(team7.slice(3)));
    expect(second.map((view) => view.job.name)).toEqual(['etl-6']);
  });

  it('indexes label pairs for containment, written through, so a filter reads only the rows with the pair', async () => {
    const result = await database.db.execute(sql`select indexdef from pg_indexes where indexname = 'jobs_labels_idx'`);
    expect(rowsOf<{ indexdef: string }>(result)[0]?.indexdef).toMatch(/USING gin \(labels jsonb_path_ops\) WITH \(fastupdate='?(false|off)'?\)/);
  });

  it('pages through the service with a cursor that ends on the last page', async () => {
    for (const name of ['b', 'a', 'c']) await aJob(name);
    const service = new JobViewService(reader, cron, new FixedClock(at(0)));
    const first = await service.listJobViews({ limit: 2 });
    expect(first.jobs.map((view) => view.job.name)).toEqual(['a', 'b']);
    const second = await service.listJobViews({ limit: 2, after: first.next });
    expect(second.jobs.map((view) => view.job.name)).toEqual(['c']);
    expect(second.next).toBeUndefined();
  });
});
