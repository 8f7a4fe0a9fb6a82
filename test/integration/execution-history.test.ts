import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleExecutionHistory } from '../../adapters/output/repository/drizzle-execution-history.js';
import type { RunPosition, SweptBatch } from '../../domain/ports/output/execution-history.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { executionRow } from '../../adapters/output/repository/execution-rows.js';
import { jobExecutions, jobs } from '../../adapters/output/repository/schema.js';
import { newExecution, type ExecutionStatus } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const base = new Date('2026-05-01T00:00:00.000Z');
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);

describe.each(backends)('execution retention on $name', (backend) => {
  let database: OpenedDatabase;
  let history: DrizzleExecutionHistory;
  let jobRepository: DrizzleJobRepository;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    history = new DrizzleExecutionHistory(database.db);
    jobRepository = new DrizzleJobRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(jobExecutions);
    await database.db.delete(jobs);
  });

  async function aJob(): Promise<string> {
    const job = createJob(aJobDefinition({ name: `job-${++counter}` }), newId(), base);
    await jobRepository.insert(job);
    return job.id;
  }

  /** Stores a run of `jobId` created at `seconds`, in `status`. */
  async function aRun(jobId: string, seconds: number, status: ExecutionStatus, savepointPath: string | null = null) {
    const id = newId();
    const execution = newExecution({ id, jobId, trigger: 'manual', now: at(seconds) });
    const ended = ['SUCCEEDED', 'FAILED', 'STOPPED', 'SKIPPED'].includes(status) ? at(seconds + 1) : null;
    await database.db
      .insert(jobExecutions)
      .values({ ...executionRow(execution), status, savepointPath, endedAt: ended, exclusive: false });
    return id;
  }

  async function remaining(): Promise<string[]> {
    const rows = await database.db.select({ id: jobExecutions.id }).from(jobExecutions).orderBy(jobExecutions.id);
    return rows.map((row) => row.id);
  }

  /** Walks batch after batch from where the last one said, until one says it was the last. */
  async function walk<P>(step: (after: P | null) => Promise<SweptBatch<P> | null>): Promise<number> {
    let removed = 0;
    for (let after: P | null = null; ; ) {
      const batch = await step(after);
      if (!batch) throw new Error('the sweep was held by someone else');
      removed += batch.removed;
      if (batch.next === null) return removed;
      after = batch.next;
    }
  }

  /** Sweeps as the service does: old runs, runs past the count, then deleted jobs left without runs. */
  async function sweepAll(before: Date, keepPerJob: number, limit = 1000): Promise<number> {
    const old = await walk<RunPosition>((after) => history.sweepOldRuns(before, limit, after));
    const counted = await walk<string>((after) => history.sweepRunsPastCount(keepPerJob, limit, after));
    let jobsRemoved = 0;
    for (let batch = limit; batch >= limit; jobsRemoved += batch) batch = (await history.sweepDeletedJobs(before, limit))!;
    return old + counted + jobsRemoved;
  }

  it('removes finished runs past the age, never an active or queued one, nor the newest of a job', async () => {
    const job = await aJob();
    const old = [await aRun(job, 1, 'SUCCEEDED'), await aRun(job, 2, 'FAILED'), await aRun(job, 3, 'SKIPPED')];
    const running = await aRun(job, 4, 'RUNNING');
    const queued = await aRun(job, 5, 'QUEUED');
    const lone = await aJob();
    const onlyRun = await aRun(lone, 6, 'SUCCEEDED');
    const recent = await aRun(job, 200, 'SUCCEEDED');

    expect(await sweepAll(at(100), 1000, 2), 'in batches of 2, walking past the runs kept').toBe(3);
    await history.reclaimSpace();
    expect(await remaining()).toEqual([running, queued, onlyRun, recent].sort());
    expect(await remaining()).not.toContain(old[0]);
  });

  it("keeps a live job's newest run that was not SKIPPED, and its newest savepoint", async () => {
    const job = await aJob();
    const olderSavepoint = await aRun(job, 1, 'STOPPED', 'file:///savepoints/one');
    const newestSavepoint = await aRun(job, 2, 'STOPPED', 'file:///savepoints/two');
    const lastReal = await aRun(job, 3, 'SUCCEEDED');
    const skips = [await aRun(job, 4, 'SKIPPED'), await aRun(job, 5, 'SKIPPED')];

    expect(await sweepAll(at(100), 1000)).toBe(2);
    expect(await remaining()).toEqual([newestSavepoint, lastReal, skips[1]!].sort());
    expect(await remaining()).not.toContain(olderSavepoint);
  });

  it("removes each job's runs past its newest `keepPerJob`, whatever their age, in batches", async () => {
    const busy = await aJob();
    const busyRuns = [];
    for (let second = 1; second <= 12; second++) busyRuns.push(await aRun(busy, 1000 + second, 'SUCCEEDED'));
    const quiet = await aJob();
    const quietRuns = [await aRun(quiet, 1001, 'FAILED'), await aRun(quiet, 1002, 'SUCCEEDED')];

    expect(await sweepAll(at(0), 5, 3)).toBe(7);
    expect(await remaining()).toEqual([...busyRuns.slice(7), ...quietRuns].sort());
  });

  it("removes a deleted job's runs by age alone, newest too, and then its row", async () => {
    const deleted = await aJob();
    await aRun(deleted, 1, 'SUCCEEDED');
    await aRun(deleted, 2, 'STOPPED', 'file:///savepoints/last');
    const stillRunning = await aJob();
    const active = await aRun(stillRunning, 3, 'RUNNING');
    await jobRepository.remove(deleted, at(10));
    await jobRepository.remove(stillRunning, at(10));

    expect(await sweepAll(at(100), 1000)).toBe(3);
    expect(await remaining()).toEqual([active]);
    const left = await database.db.select({ id: jobs.id }).from(jobs);
    expect(left.map((row) => row.id)).toEqual([stillRunning]);
    expect(await jobRepository.everExisted(deleted)).toBe(false);
  });

  if (backend.name === 'postgres') {
    it('lets one replica sweep at a time: a batch finds the sweep held and removes nothing', async () => {
      const job = await aJob();
      await aRun(job, 1, 'SUCCEEDED');
      await aRun(job, 2, 'SUCCEEDED');
      let release!: () => void;
      let taken!: () => void;
      const held = new Promise<void>((resolve) => (taken = resolve));
      const holder = database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(4702, 1)`);
        taken();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await held;
      expect(await history.sweepOldRuns(at(100), 1000, null)).toBeNull();
      expect(await history.sweepRunsPastCount(1, 1000, null)).toBeNull();
      expect(await history.sweepDeletedJobs(at(100), 1000)).toBeNull();
      expect(await remaining()).toHaveLength(2);
      release();
      await holder;
      expect(await history.sweepOldRuns(at(100), 1000, null)).toEqual({ removed: 1, next: null });
    });

    it('two sweepers at once remove each run once, without deadlock or error', async () => {
      const jobIds = [await aJob(), await aJob(), await aJob()];
      const rows = jobIds.flatMap((jobId) =>
        Array.from({ length: 400 }, (_, index) => {
          const execution = newExecution({ id: newId(), jobId, trigger: 'manual', now: at(index) });
          return { ...executionRow(execution), status: 'SUCCEEDED' as const, endedAt: at(index), exclusive: false };
        }),
      );
      await database.db.insert(jobExecutions).values(rows);
      const other = new DrizzleExecutionHistory(database.db);
      const sweeper = (of: DrizzleExecutionHistory) => async () => {
        let removed = 0;
        for (let round = 0; round < 200; round++) {
          const batch = await of.sweepRunsPastCount(100, 50, null);
          if (batch) removed += batch.removed;
          if (batch && batch.removed === 0) return removed;
        }
        return removed;
      };
      const [one, two] = await Promise.all([sweeper(history)(), sweeper(other)()]);
      expect(one + two).toBe(3 * 300);
      expect(await remaining()).toHaveLength(300);
    });
  }

  it('counts and removes what a purge names: before an instant, of one job or all', async () => {
    const first = await aJob();
    const second = await aJob();
    for (const job of [first, second]) {
      await aRun(job, 1, 'SUCCEEDED');
      await aRun(job, 2, 'FAILED');
      await aRun(job, 50, 'SUCCEEDED');
    }
    expect(await history.countRemovable({ before: at(10), jobId: first })).toBe(2);
    expect(await history.countRemovable({ before: at(100) })).toBe(4);
    expect(await remaining()).toHaveLength(6);

    expect(await history.removeRemovable({ before: at(10), jobId: first })).toBe(2);
    expect(await history.countRemovable({ before: at(10) })).toBe(2);
    expect(await history.removeRemovable({ before: at(100) })).toBe(2);
    expect(await remaining()).toHaveLength(2);
  });
});
