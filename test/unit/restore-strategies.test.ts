import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { newExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { createJob, type JobDefinition } from '../../domain/entities/job.js';
import { isExternalPath, kindOfPath, newerPoint } from '../../domain/entities/restore.js';
import { NoSavepointError } from '../../domain/errors.js';
import type { StartOptions } from '../../domain/ports/input/job-executions.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';

const audit = anAuditContext();
const settings = { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 };
const SAVEPOINT = 'file:/savepoints/savepoint-4f1c-0123456789ab';
const checkpoint = (run: Execution, n: number) => `file:/checkpoints/${run.flinkJobId}/chk-${n}`;

async function setup(definition: Partial<JobDefinition> = {}) {
  const clock = new FixedClock(new Date('2026-03-01T10:00:00.000Z'));
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const tasks = new RecordedTasks();
  const savepointPorts = inMemorySavepointPorts();
  /** A savepoint of the catalog (taken on request, or periodic) that completed now. */
  const cataloged = async (run: Execution, path: string) => {
    const at = clock.now();
    await savepointPorts.savepoints.insert({
      id: ids.newId(), jobId: run.jobId, executionId: run.id, jobVersion: 1, path, origin: 'MANUAL', status: 'COMPLETED',
      triggerId: 't', dueAt: null, createdAt: at, completedAt: at, error: null,
    });
    clock.advance(60_000);
  };
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = {
    ...savepointPorts,
    versions: new InMemoryJobVersionRepository(), jobs, executions, schedules, unitOfWork, flink, tasks, clock, ids,
    artifacts: new FakeArtifactSource(), uploads: new InMemoryJarUploadRegistry(), cron: new CronerCalculator(),
  };
  const { launcher, follower, service, queue } = createExecutionUnits(ports, settings);
  const job = createJob(aJobDefinition({ config: { mode: 'unbounded' }, ...definition }), ids.newId(), clock.now());
  await jobs.insert(job);

  /** An earlier run of the job that was on Flink and ended a minute later, STOPPED with `savepointPath` if given. */
  const pastRun = async (savepointPath?: string): Promise<Execution> => {
    const at = clock.now();
    let run = newExecution({ id: ids.newId(), jobId: job.id, trigger: 'manual', now: at });
    for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'] as const) run = transition(run, status, at);
    clock.advance(60_000);
    run = transition(run, 'STOPPED', clock.now(), savepointPath ? { savepointPath } : {});
    await executions.insert(run, { exclusive: false });
    clock.advance(60_000);
    return run;
  };
  /** Flink keeps a retained checkpoint of `run`, completed `secondsAfterStart` into it. */
  const retain = (run: Execution, path: string, secondsAfterStart: number) =>
    flink.snapshots.set(run.flinkJobId, {
      path,
      kind: 'checkpoint',
      completedAt: new Date(run.createdAt.getTime() + secondsAfterStart * 1000),
    });
  const start = async (options: StartOptions = {}) => {
    const started = await service.startJob(job.id, options, audit);
    await tasks.runRecorded();
    return (await executions.findById(started.id))!;
  };
  return { clock, executions, flink, launcher, follower, queue, job, pastRun, retain, start, cataloged };
}

describe('restore strategies at a manual start', () => {
  it("starts without state and asks Flink nothing by default, when neither the job nor the start names a strategy", async () => {
    const { start, pastRun, flink } = await setup();
    await pastRun(SAVEPOINT);
    const run = await start();
    expect(run.restoredFrom).toBeNull();
    expect(flink.runs.at(-1)!.restore).toBeNull();
    expect(flink.snapshotRequests).toEqual([]);
    expect(run.history[0]).toEqual({ status: 'PENDING', at: run.createdAt });
  });

  it("latest-savepoint restores from the job's newest savepoint, sends the claim mode, and says so in the history", async () => {
    const { start, pastRun, flink } = await setup();
    await pastRun('file:/savepoints/older');
    await pastRun(SAVEPOINT);
    const run = await start({ restore: 'latest-savepoint', claimMode: 'CLAIM', allowNonRestoredState: true });
    expect(run.restoredFrom).toEqual({ savepointPath: SAVEPOINT, kind: 'savepoint', allowNonRestoredState: true, claimMode: 'CLAIM' });
    expect(flink.runs.at(-1)!.restore).toEqual(run.restoredFrom);
    expect(run.history[0]!.detail).toBe(`restore 'latest-savepoint': restoring from savepoint ${SAVEPOINT}`);
  });

  it("takes the catalog's savepoints too (on request, periodic), whichever completed last", async () => {
    for (const catalogLast of [false, true]) {
      const { start, pastRun, cataloged } = await setup();
      const earlier = await pastRun();
      await cataloged(earlier, 'file:/savepoints/manual-1');
      await pastRun(SAVEPOINT);
      if (catalogLast) await cataloged(earlier, 'file:/savepoints/periodic-2');
      const run = await start({ restore: catalogLast ? 'latest-state' : 'latest-savepoint' });
      const expected = catalogLast ? 'file:/savepoints/periodic-2' : SAVEPOINT;
      expect(run.restoredFrom).toMatchObject({ savepointPath: expected, kind: 'savepoint' });
    }
  });

  it('latest-state takes a retained checkpoint of a later run over an older savepoint', async () => {
    const { start, pastRun, retain } = await setup();
    await pastRun(SAVEPOINT);
    const later = await pastRun();
    retain(later, checkpoint(later, 7), 30);
    const run = await start({ restore: 'latest-state' });
    expect(run.restoredFrom).toMatchObject({ savepointPath: checkpoint(later, 7), kind: 'checkpoint', claimMode: 'NO_CLAIM' });
    expect(run.history[0]!.detail).toBe(`restore 'latest-state': restoring from checkpoint ${checkpoint(later, 7)}`);
  });

  it('latest-state takes the savepoint a run stopped with over that run\'s earlier checkpoints', async () => {
    const { start, pastRun, retain } = await setup();
    const stopped = await pastRun(SAVEPOINT);
    retain(stopped, checkpoint(stopped, 3), 20);
    const run = await start({ restore: 'latest-state' });
    expect(run.restoredFrom).toMatchObject({ savepointPath: SAVEPOINT, kind: 'savepoint' });
  });

  it('a strategy that finds nothing starts without state, not an error, and records that', async () => {
    const { start, pastRun, flink } = await setup();
    const unretained = await pastRun();
    const run = await start({ restore: 'latest-state' });
    expect(run.status).toBe('RUNNING');
    expect(run.restoredFrom).toBeNull();
    expect(flink.snapshotRequests).toEqual([unretained.flinkJobId]);
    expect(run.history[0]!.detail).toBe(
      "restore 'latest-state': no savepoint or retained checkpoint of an earlier run found, started without state",
    );
  });

  it('fromLastSavepoint keeps refusing when there is no savepoint; savepointPath names a checkpoint by its folder', async () => {
    const { start, job, executions } = await setup();
    await expect(start({ fromLastSavepoint: true })).rejects.toBeInstanceOf(NoSavepointError);
    expect(await executions.list({ jobId: job.id, limit: 10 })).toEqual([]);
    const run = await start({ savepointPath: 'file:/checkpoints/abc/chk-12' });
    expect(run.restoredFrom).toMatchObject({ savepointPath: 'file:/checkpoints/abc/chk-12', kind: 'checkpoint' });
  });

  it("uses the job's strategy and options when the start names none, and the start's own when it does", async () => {
    const { start, pastRun } = await setup({ restore: 'latest-savepoint', allowNonRestoredState: true, claimMode: 'CLAIM' });
    await pastRun(SAVEPOINT);
    const byJob = await start();
    expect(byJob.restoredFrom).toEqual({ savepointPath: SAVEPOINT, kind: 'savepoint', allowNonRestoredState: true, claimMode: 'CLAIM' });

    const overridden = await setup({ restore: 'latest-state' });
    await overridden.pastRun(SAVEPOINT);
    const none = await overridden.start({ restore: 'none' });
    expect(none.restoredFrom).toBeNull();
    expect(overridden.flink.runs.at(-1)!.restore).toBeNull();
    expect(none.history[0]!.detail).toBe("restore 'none': started without state");
  });
});

describe('restore strategies of retries', () => {
  const retrying = {
    restore: 'latest-state' as const,
    retryPolicy: { maxAttempts: 3, backoffSeconds: 30, backoffMultiplier: 1, maxBackoffSeconds: 30 },
  };

  it("resolves the job's strategy when the retry launches, so it resumes from the newest state there is by then", async () => {
    const { start, follower, launcher, queue, flink, executions, clock, retain, job } = await setup(retrying);
    const first = await start();
    expect(first.restoredFrom).toBeNull();
    retain(first, checkpoint(first, 4), 10);
    flink.jobs.set(first.flinkJobId, 'failed');
    await follower.followUp(first.id);

    const [retry] = await executions.findQueuedForJob(job.id);
    expect(retry, 'picked at launch, not when queued').toMatchObject({ trigger: 'retry', restoredFrom: null });
    // Flink completed a newer checkpoint of the failed job before it went down: the retry must take that one.
    retain(first, checkpoint(first, 5), 20);
    clock.advance(30_000);
    await queue.startDue();
    await launcher.launch(retry!.id);

    const launched = (await executions.findById(retry!.id))!;
    expect(launched.status).toBe('RUNNING');
    expect(launched.restoredFrom).toMatchObject({ savepointPath: checkpoint(first, 5), kind: 'checkpoint' });
    expect(flink.runs.at(-1)!.restore).toMatchObject({ savepointPath: checkpoint(first, 5), claimMode: 'NO_CLAIM' });
    expect(launched.history.find((entry) => entry.status === 'SUBMITTING')!.detail).toBe(
      `restore 'latest-state': restoring from checkpoint ${checkpoint(first, 5)}`,
    );
  });

  it('keeps the restore of the run it retries when the job has no strategy (as before strategies)', async () => {
    const { start, follower, launcher, queue, flink, executions, clock, job } = await setup({ retryPolicy: retrying.retryPolicy });
    const first = await start({ savepointPath: SAVEPOINT });
    flink.jobs.set(first.flinkJobId, 'failed');
    await follower.followUp(first.id);
    // The failed run's kept checkpoint was looked up for the catalog, once; the retry's launch looks up none.
    expect(flink.snapshotRequests).toEqual([first.flinkJobId]);
    const [retry] = await executions.findQueuedForJob(job.id);
    clock.advance(30_000);
    await queue.startDue();
    await launcher.launch(retry!.id);
    expect((await executions.findById(retry!.id))!.restoredFrom).toMatchObject({ savepointPath: SAVEPOINT });
    expect(flink.snapshotRequests).toEqual([first.flinkJobId]);
  });
});

describe('restore strategies of retries, when the job says none', () => {
  it("restores nothing, even when the run it retries was started from a savepoint, and says so", async () => {
    const policy = { maxAttempts: 2, backoffSeconds: 30, backoffMultiplier: 1, maxBackoffSeconds: 30 };
    const { start, follower, launcher, queue, flink, executions, clock, job } = await setup({ restore: 'none', retryPolicy: policy });
    const first = await start({ restore: { savepointPath: SAVEPOINT } });
    expect(first.restoredFrom).toMatchObject({ savepointPath: SAVEPOINT });
    flink.jobs.set(first.flinkJobId, 'failed');
    await follower.followUp(first.id);
    const [retry] = await executions.findQueuedForJob(job.id);
    clock.advance(30_000);
    await queue.startDue();
    await launcher.launch(retry!.id);
    const launched = (await executions.findById(retry!.id))!;
    expect(launched.restoredFrom).toBeNull();
    expect(flink.runs.at(-1)!.restore).toBeNull();
    expect(launched.history.find((entry) => entry.status === 'SUBMITTING')!.detail).toBe("restore 'none': started without state");
  });
});

describe('restore points', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    ['file:/opt/flink/checkpoints/abc/chk-7', true],
    ['file:///tmp/savepoint-1', true],
    ['s3://bucket/checkpoints/abc/chk-1', true],
    ['<checkpoint-not-externalized>', false],
    ['', false],
    ['/tmp/relative/without/scheme', false],
  ])('%s is an external path: %s', (path, external) => {
    expect(isExternalPath(path)).toBe(external);
  });

  it('tells checkpoints from savepoints by their folder, and picks the newer point, a dated one over an undated one', () => {
    expect(kindOfPath('file:/c/abc/chk-12')).toBe('checkpoint');
    expect(kindOfPath('file:/s/savepoint-ab12-34cd')).toBe('savepoint');
    const old = { path: 'a', kind: 'savepoint' as const, completedAt: at('2026-01-01T00:00:00Z') };
    const fresh = { path: 'b', kind: 'checkpoint' as const, completedAt: at('2026-01-02T00:00:00Z') };
    const undated = { path: 'c', kind: 'savepoint' as const, completedAt: null };
    expect(newerPoint(old, fresh)).toBe(fresh);
    expect(newerPoint(fresh, old)).toBe(fresh);
    expect(newerPoint(undated, old)).toBe(old);
    expect(newerPoint(undated, undefined)).toBe(undated);
  });
});
