import { describe, expect, it, vi } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { canTransition, flinkJobIdFor, transition, type Execution, type ExecutionStatus } from '../../domain/entities/execution.js';
import { definitionOf, versionOf } from '../../domain/entities/job-version.js';
import { createJob, replaceJob, type Job, type JobDefinition } from '../../domain/entities/job.js';
import {
  ArtifactError,
  JobAlreadyRunningError,
  JobNotRunningError,
  NoSavepointError,
  SavepointDirectoryMissingError,
} from '../../domain/errors.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import type { ExecutionSettings } from '../../domain/services/executions/execution-settings.js';
import { heldExecutionOf, resumeStep } from '../../domain/services/executions/lease-round.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { anAuditContext } from '../support/audit-contexts.js';

const audit = anAuditContext();

const settings: ExecutionSettings = { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 };

async function setup(definition: Partial<JobDefinition> = {}, overrides: Partial<ExecutionSettings> = {}) {
  const clock = new FixedClock();
  const ids = new SequentialIds();
  const versions = new InMemoryJobVersionRepository();
  const executions = new InMemoryExecutionRepository();
  const flink = new FakeFlinkCluster();
  const artifacts = new FakeArtifactSource();
  const uploads = new InMemoryJarUploadRegistry();
  const dispatched = new RecordedTasks();
  const runSettings = { ...settings, ...overrides };
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const savepointPorts = inMemorySavepointPorts();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, versions, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = { ...savepointPorts, versions, jobs, executions, schedules, unitOfWork, artifacts, flink, uploads, tasks: dispatched, clock, ids, cron: new CronerCalculator() };
  const { launcher, follower, service } = createExecutionUnits(ports, runSettings);
  const job = createJob(aJobDefinition({ config: { mode: 'bounded' }, args: ['x'], ...definition }), ids.newId(), clock.now());
  await jobs.insert(job);
  const statusOf = async (id: string) => (await executions.findById(id))!.status;
  const historyOf = async (id: string) => (await executions.findById(id))!.history.map((h) => h.status);
  /** Starts the job and carries the launch through, as the worker would: the tasks recorded so far, in order. */
  const startAndLaunch = async () => {
    const execution = await service.startJob(job.id, {}, audit);
    await dispatched.runRecorded();
    return (await executions.findById(execution.id))!;
  };
  return { clock, ids, schedules, jobs, versions, executions, flink, artifacts, uploads, dispatched, launcher, follower, service, job, statusOf, historyOf, startAndLaunch };
}

describe('Execution transitions', () => {
  const all: ExecutionStatus[] = ['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING', 'SUCCEEDED', 'FAILED', 'STOPPED'];

  it.each([
    ['PENDING', 'DOWNLOADING', true],
    ['DOWNLOADING', 'UPLOADING', true],
    ['UPLOADING', 'SUBMITTING', true],
    ['SUBMITTING', 'RUNNING', true],
    ['RUNNING', 'STOPPING', true],
    ['STOPPING', 'STOPPED', true],
    ['RUNNING', 'SUCCEEDED', true],
    ['PENDING', 'RUNNING', false],
    ['RUNNING', 'DOWNLOADING', false],
    // Only an upgrade's abandoned stop goes back (see StopRules).
    ['STOPPING', 'RUNNING', true],
    ['STOPPING', 'SUBMITTING', false],
  ] as const)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('lets nothing leave a terminal status', () => {
    for (const terminal of ['SUCCEEDED', 'FAILED', 'STOPPED'] as const) {
      for (const to of all) expect(canTransition(terminal, to)).toBe(false);
    }
  });

  it('stamps startedAt on RUNNING, endedAt on the end, and refuses an illegal move', async () => {
    const { service, job, clock } = await setup();
    const pending = await service.startJob(job.id, {}, audit);
    const running = transition(transition(transition(transition(pending, 'DOWNLOADING', clock.now()), 'UPLOADING', clock.now()), 'SUBMITTING', clock.now()), 'RUNNING', new Date('2026-01-01T00:01:00Z'));
    expect(running.startedAt).toEqual(new Date('2026-01-01T00:01:00Z'));
    const ended = transition(running, 'SUCCEEDED', new Date('2026-01-01T00:02:00Z'));
    expect(ended.endedAt).toEqual(new Date('2026-01-01T00:02:00Z'));
    expect(() => transition(ended, 'RUNNING', clock.now())).toThrow('An execution cannot go from SUCCEEDED to RUNNING');
  });

  it('derives the Flink job id from the execution id', () => {
    expect(flinkJobIdFor('0A1B2C3D-0000-4000-8000-000000000001')).toBe('0a1b2c3d000040008000000000000001');
  });
});

describe('starting a run', () => {
  it('records PENDING, hands the run to the worker, and refuses a second start while it is active', async () => {
    const { service, job, dispatched } = await setup();
    const execution = await service.startJob(job.id, {}, audit);
    expect(execution).toMatchObject({ status: 'PENDING', trigger: 'manual', attempt: 1, jobId: job.id });
    expect(dispatched.launch).toEqual([execution.id]);
    const second = service.startJob(job.id, {}, audit);
    await expect(second).rejects.toBeInstanceOf(JobAlreadyRunningError);
    await expect(second).rejects.toMatchObject({ executionId: execution.id });
  });

  it('hands the start its audit row to store with the run, the job at its version; a refused start stores none', async () => {
    const { service, job, executions, clock } = await setup();
    const starting = anAuditContext({ name: 'ops', role: 'operator', action: 'run.start', outcome: 202, reason: 'why' });
    await service.startJob(job.id, {}, starting);
    await expect(service.startJob(job.id, {}, starting)).rejects.toBeInstanceOf(JobAlreadyRunningError);
    expect(executions.audited).toEqual([
      {
        id: expect.any(String), at: clock.now(), actor: 'ops', role: 'operator', action: 'run.start', resourceType: 'job',
        resourceId: job.id, outcome: 202, requestId: 'test-request', sourceAddress: '127.0.0.1',
        versionBefore: job.version, versionAfter: job.version, reason: 'why',
      },
    ]);
  });

  it('reads a job it knows no more, and again once the job changed; an active run refuses either start the same', async () => {
    const { service, job, jobs, executions, clock } = await setup();
    // The insert's own look at the job goes around the spy: only the service's reads are counted.
    executions.definitions = { findWithSchedule: jobs.findWithSchedule.bind(jobs) };
    const reads = vi.spyOn(jobs, 'findWithSchedule');
    const first = await service.startJob(job.id, {}, audit);
    // Refused by the run above, not by a change: no read to find out.
    await expect(service.startJob(job.id, {}, audit)).rejects.toMatchObject({ code: 'JOB_ALREADY_RUNNING', executionId: first.id });
    expect(reads).toHaveBeenCalledTimes(1);
    await jobs.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: current.name }), clock.now()));
    await expect(service.startJob(job.id, {}, audit)).rejects.toMatchObject({ code: 'JOB_ALREADY_RUNNING', executionId: first.id });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('gives up with JOB_CHANGED when the job changes between each read and the write, storing and holding nothing', async () => {
    const jarSha256 = 'a'.repeat(64);
    const { service, job, jobs, executions, dispatched, artifacts, flink, follower, startAndLaunch, clock } = await setup({ jarSha256 });
    const cached = await startAndLaunch();
    flink.jobs.set(cached.flinkJobId, 'finished');
    await follower.followUp(cached.id);
    const read = jobs.findWithSchedule.bind(jobs);
    executions.definitions = { findWithSchedule: read };
    let reads = 0;
    const replace = () => jobs.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: current.name, jarSha256 }), clock.now()));
    // Another writer replaced the job since the start above, and replaces it again right after each read of it.
    await replace();
    jobs.findWithSchedule = async (id) => {
      const found = await read(id);
      reads++;
      await replace();
      return found;
    };
    await expect(service.startJob(job.id, {}, audit)).rejects.toMatchObject({ code: 'JOB_CHANGED', jobId: job.id });
    // The first try took the job as known since the start above, the other two read it.
    expect(reads).toBe(2);
    expect([...executions.rows.keys()]).toEqual([cached.id]);
    expect(executions.audited).toHaveLength(1);
    expect(dispatched.launch).toEqual([cached.id]);
    expect(artifacts.held, 'each try was ready to run from the cache, and let go').toBe(0);

    jobs.findWithSchedule = read;
    const started = await service.startJob(job.id, {}, audit);
    expect(started).toMatchObject({ jobVersion: job.version + 3, status: 'SUBMITTING' });
  });

  it('walks download, upload and submit, then RUNNING, with the job arguments and the deterministic job id', async () => {
    const { startAndLaunch, flink, historyOf, job } = await setup({ parallelism: 2, flinkConfiguration: { a: 'b' } });
    const execution = await startAndLaunch();
    expect(execution.status).toBe('RUNNING');
    expect(await historyOf(execution.id)).toEqual(['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING']);
    expect(execution.startedAt).not.toBeNull();
    expect(flink.runs).toEqual([
      {
        jarId: execution.flinkJarId,
        entryClass: job.entryClass,
        programArgs: ['--mode', 'bounded', 'x'],
        parallelism: 2,
        flinkConfiguration: { a: 'b' },
        jobId: flinkJobIdFor(execution.id),
        restore: null,
      },
    ]);
  });

  it('uploads the same JAR once and reuses it; uploads again when Flink lost it', async () => {
    const { startAndLaunch, flink, follower, executions } = await setup();
    const first = await startAndLaunch();
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);
    const second = await startAndLaunch();
    expect(flink.uploads).toHaveLength(1);
    expect(second.flinkJarId).toBe(first.flinkJarId);

    flink.jobs.set(second.flinkJobId, 'finished');
    await follower.followUp(second.id);
    flink.jars.clear(); // the JobManager restarted
    const third = await startAndLaunch();
    expect(third.status).toBe('RUNNING');
    expect(flink.uploads).toHaveLength(2);
    expect((await executions.findById(third.id))!.flinkJarId).not.toBe(first.flinkJarId);
  });

  it('stores a run whose JAR is cached and on Flink at SUBMITTING in its first write, then only runs it', async () => {
    const { startAndLaunch, service, job, flink, follower, artifacts, executions, uploads, dispatched } = await setup({
      jarSha256: 'a'.repeat(64),
    });
    const first = await startAndLaunch();
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);

    const lookups = { finds: 0, states: 0 };
    const find = uploads.find.bind(uploads);
    uploads.find = (...args) => (lookups.finds++, find(...args));
    const jobState = flink.jobState.bind(flink);
    flink.jobState = (...args) => (lookups.states++, jobState(...args));
    const stored = await service.startJob(job.id, {}, audit);
    expect(stored).toMatchObject({ status: 'SUBMITTING', flinkJarId: first.flinkJarId });
    expect((await executions.findById(stored.id))!.status).toBe('SUBMITTING');
    await dispatched.runRecorded();
    const second = (await executions.findById(stored.id))!;
    expect(artifacts.fetched).toHaveLength(1);
    expect(flink.uploads).toHaveLength(1);
    expect(second.history.map((h) => h.status)).toEqual(['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING']);
    expect(second.revision).toBe(1); // SUBMITTING (insert), RUNNING (one save)
    // The upload was known from the first launch, and a run stored a moment ago is not looked for on Flink.
    expect(lookups).toEqual({ finds: 0, states: 0 });
    expect(flink.runs.map((run) => run.jobId)).toEqual([first.flinkJobId, second.flinkJobId]);
  });

  it('uploads again when the upload it knew of is gone from Flink, and remembers the new one', async () => {
    const { startAndLaunch, flink, follower } = await setup({ jarSha256: 'a'.repeat(64) });
    const first = await startAndLaunch();
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);
    flink.jars.clear(); // another replica replaced the upload, or the JobManager restarted
    const second = await startAndLaunch();
    expect(second.status).toBe('RUNNING');
    expect(flink.uploads).toHaveLength(2);
    flink.jobs.set(second.flinkJobId, 'finished');
    await follower.followUp(second.id);
    const third = await startAndLaunch();
    expect(third.flinkJarId).toBe(second.flinkJarId);
    expect(flink.uploads).toHaveLength(2);
  });

  it('lets go of the JAR it was handed once Flink has it, and when Flink refuses the run', async () => {
    const { startAndLaunch, flink, follower, artifacts, service, job } = await setup({ jarSha256: 'a'.repeat(64) });
    const first = await startAndLaunch();
    expect(first.status).toBe('RUNNING');
    expect(artifacts.held, 'released after a download').toBe(0);
    // Ready to run at once, but refused: the first is active.
    await expect(service.startJob(job.id, {}, audit)).rejects.toBeInstanceOf(JobAlreadyRunningError);
    expect(artifacts.held, 'released by a refused start').toBe(0);
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);
    flink.refuseRunWith = 'java.lang.IllegalArgumentException: bad argument';
    const refused = await startAndLaunch();
    expect(refused.status).toBe('FAILED');
    expect(artifacts.fetched, 'the second came from the cache').toHaveLength(1);
    expect(artifacts.held, 'released after a cached JAR failed to run').toBe(0);
  });

  it('deletes the JAR a job uploaded before once new content supersedes it', async () => {
    const { startAndLaunch, flink, artifacts, follower } = await setup();
    const first = await startAndLaunch();
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);
    artifacts.sha256 = 'b'.repeat(64);
    await startAndLaunch();
    expect(flink.deletedJars).toEqual([first.flinkJarId]);
  });

  it('ends FAILED with the artifact code and uploads nothing when the download fails', async () => {
    const { startAndLaunch, flink, artifacts } = await setup();
    artifacts.failWith = new ArtifactError('JAR_CHECKSUM_MISMATCH', 'expected aaa, got bbb');
    const execution = await startAndLaunch();
    expect(execution).toMatchObject({ status: 'FAILED', error: { code: 'JAR_CHECKSUM_MISMATCH', message: 'expected aaa, got bbb' } });
    expect(execution.endedAt).not.toBeNull();
    expect(flink.uploads).toEqual([]);
  });

  it('ends FAILED with FLINK_SUBMIT_FAILED and the cause when Flink refuses the run', async () => {
    const { startAndLaunch, flink } = await setup();
    flink.refuseRunWith = 'java.lang.IllegalArgumentException: bad input';
    const execution = await startAndLaunch();
    expect(execution.error).toEqual({ code: 'FLINK_SUBMIT_FAILED', message: 'java.lang.IllegalArgumentException: bad input' });
  });

  it('ends FAILED with FLINK_UNREACHABLE when the JobManager is down', async () => {
    const { startAndLaunch, flink } = await setup();
    flink.reachable = false;
    const execution = await startAndLaunch();
    expect(execution.status).toBe('FAILED');
    expect(execution.error?.code).toBe('FLINK_UNREACHABLE');
    expect(execution.error?.message).toContain(flink.address);
  });

  it('restores from the newest savepoint with fromLastSavepoint, and refuses when there is none', async () => {
    const { service, job, executions, startAndLaunch, follower, flink } = await setup({}, { savepointDir: 'file:///sp' });
    await expect(service.startJob(job.id, { fromLastSavepoint: true }, audit)).rejects.toBeInstanceOf(NoSavepointError);
    const first = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    flink.savepoint = { kind: 'completed', location: 'file:///sp/savepoint-1' };
    await follower.followUp(first.id);
    flink.jobs.set(first.flinkJobId, 'finished');
    await follower.followUp(first.id);
    expect((await executions.findById(first.id))!.savepointPath).toBe('file:///sp/savepoint-1');
    const restored = await service.startJob(job.id, { fromLastSavepoint: true, allowNonRestoredState: true }, audit);
    expect(restored.restoredFrom).toEqual({ savepointPath: 'file:///sp/savepoint-1', allowNonRestoredState: true, kind: 'savepoint', claimMode: 'NO_CLAIM' });
  });
});

describe('following a run', () => {
  it.each([
    ['finished', 'SUCCEEDED', null],
    ['failed', 'FAILED', { code: 'FLINK_JOB_FAILED', message: 'java.lang.RuntimeException: task failed' }],
    ['canceled', 'FAILED', { code: 'FLINK_JOB_CANCELLED', message: 'The Flink job was cancelled outside this service' }],
  ] as const)('maps Flink %s to %s', async (flinkState, status, error) => {
    const { startAndLaunch, flink, follower, executions } = await setup();
    const execution = await startAndLaunch();
    flink.jobs.set(execution.flinkJobId, flinkState);
    await follower.followUp(execution.id);
    expect(await executions.findById(execution.id)).toMatchObject({ status, error });
  });

  it('ends FAILED with FLINK_JOB_LOST when Flink no longer knows the job', async () => {
    const { startAndLaunch, flink, follower, executions } = await setup();
    const execution = await startAndLaunch();
    flink.jobs.delete(execution.flinkJobId);
    await follower.followUp(execution.id);
    expect((await executions.findById(execution.id))!.error?.code).toBe('FLINK_JOB_LOST');
  });

  it('keeps a run RUNNING while Flink is unreachable within the grace period, then fails it', async () => {
    const { startAndLaunch, flink, follower, statusOf, clock, executions } = await setup();
    const execution = await startAndLaunch();
    flink.reachable = false;
    await follower.followUp(execution.id);
    clock.advance(299_000);
    await follower.followUp(execution.id);
    expect(await statusOf(execution.id)).toBe('RUNNING');
    clock.advance(2_000);
    await follower.followUp(execution.id);
    expect((await executions.findById(execution.id))!.error?.code).toBe('FLINK_UNREACHABLE');
  });

  it('stops a run that outlives timeoutSeconds and ends it FAILED with TIMEOUT', async () => {
    const { startAndLaunch, flink, follower, executions, clock } = await setup({ timeoutSeconds: 60 });
    const execution = await startAndLaunch();
    clock.advance(30_000);
    await follower.followUp(execution.id);
    expect((await executions.findById(execution.id))!.status).toBe('RUNNING');
    clock.advance(31_000);
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([execution.flinkJobId]);
    await follower.followUp(execution.id);
    expect(await executions.findById(execution.id)).toMatchObject({ status: 'FAILED', error: { code: 'TIMEOUT' } });
  });

  it('cancels a run whose job was deleted, and ends it STOPPED', async () => {
    const { startAndLaunch, flink, follower, executions, jobs, job, clock, historyOf } = await setup();
    const execution = await startAndLaunch();
    await jobs.remove(job.id, clock.now());
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([execution.flinkJobId]);
    await follower.followUp(execution.id);
    expect((await executions.findById(execution.id))!.status).toBe('STOPPED');
    expect((await executions.findById(execution.id))!.history.find((h) => h.status === 'STOPPING')?.detail).toBe(
      'the job was deleted: cancel',
    );
    expect(await historyOf(execution.id)).toContain('RUNNING');
  });
});

/** The details of an execution's STOPPING entries, in order. */
const stoppingDetails = (execution: Execution | undefined) =>
  execution!.history.filter((entry) => entry.status === 'STOPPING').map((entry) => entry.detail);

describe('stopping a run', () => {
  it('answers JOB_NOT_RUNNING when nothing is active, and refuses a savepoint without a folder', async () => {
    const { service, job, startAndLaunch } = await setup();
    await expect(service.stopJob(job.id, {}, audit)).rejects.toBeInstanceOf(JobNotRunningError);
    await startAndLaunch();
    await expect(service.stopJob(job.id, { mode: 'savepoint' }, audit)).rejects.toBeInstanceOf(SavepointDirectoryMissingError);
  });

  it('stops with a savepoint when a folder is configured, records it, and ends STOPPED', async () => {
    const { service, job, startAndLaunch, flink, follower, executions, dispatched, historyOf } = await setup({}, { savepointDir: 'file:///sp' });
    const execution = await startAndLaunch();
    const stopping = await service.stopJob(job.id, { drain: true }, audit);
    expect(stopping.status).toBe('STOPPING');
    expect(dispatched.followUp).toContain(execution.id);
    await follower.followUp(execution.id);
    expect(flink.savepointRequests).toEqual([{ jobId: execution.flinkJobId, drain: true, targetDirectory: 'file:///sp' }]);
    flink.savepoint = { kind: 'completed', location: 'file:///sp/savepoint-7' };
    flink.jobs.set(execution.flinkJobId, 'finished');
    await follower.followUp(execution.id);
    expect(await executions.findById(execution.id)).toMatchObject({ status: 'STOPPED', savepointPath: 'file:///sp/savepoint-7', error: null });
    expect(await historyOf(execution.id)).toEqual(['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING', 'STOPPED']);
  });

  it("prefers the job's own state.savepoints.dir", async () => {
    const { service, job, startAndLaunch, flink, follower } = await setup({ flinkConfiguration: { 'state.savepoints.dir': 'file:///job-sp' } });
    const execution = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    await follower.followUp(execution.id);
    expect(flink.savepointRequests[0]?.targetDirectory).toBe('file:///job-sp');
  });

  it('cancels when the savepoint does not complete within the stop timeout', async () => {
    const { service, job, startAndLaunch, flink, follower, executions, clock } = await setup({}, { savepointDir: 'file:///sp', stopTimeoutMs: 10_000 });
    const execution = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    await follower.followUp(execution.id);
    clock.advance(5_000);
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([]);
    clock.advance(6_000);
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([execution.flinkJobId]);
    expect(await executions.findById(execution.id)).toMatchObject({ status: 'STOPPED', savepointPath: null });
    expect(stoppingDetails(await executions.findById(execution.id))).toEqual([
      'stop with savepoint requested by test-key',
      'savepoint not complete after 11 s; cancelling instead',
    ]);
  });

  it('cancels when the savepoint fails, and says why in the history', async () => {
    const { service, job, startAndLaunch, flink, follower, executions } = await setup({}, { savepointDir: 'file:///sp' });
    const execution = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    await follower.followUp(execution.id);
    flink.savepoint = { kind: 'failed', cause: 'disk full' };
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([execution.flinkJobId]);
    expect(stoppingDetails(await executions.findById(execution.id))).toEqual([
      'stop with savepoint requested by test-key',
      'savepoint failed: disk full; cancelling instead',
    ]);
  });

  it('ends FAILED with SAVEPOINT_FAILED, not retried, when the savepoint took the job down', async () => {
    const { service, job, startAndLaunch, flink, follower, executions } = await setup(
      { retryPolicy: { maxAttempts: 3, backoffSeconds: 1, backoffMultiplier: 2, maxBackoffSeconds: 10 } },
      { savepointDir: 'file:///sp' },
    );
    const execution = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    await follower.followUp(execution.id);
    flink.savepoint = { kind: 'failed', cause: 'java.lang.UnsupportedOperationException: Not supported yet' };
    flink.jobs.set(execution.flinkJobId, 'failed');
    await follower.followUp(execution.id);
    expect(await executions.findById(execution.id)).toMatchObject({
      status: 'FAILED',
      error: {
        code: 'SAVEPOINT_FAILED',
        message: "The stop's savepoint failed and the job went down with it: java.lang.UnsupportedOperationException: Not supported yet",
      },
    });
    expect(stoppingDetails(await executions.findById(execution.id))).toEqual([
      'stop with savepoint requested by test-key',
      'savepoint failed: java.lang.UnsupportedOperationException: Not supported yet; cancelling instead',
    ]);
    expect(await executions.findQueuedForJob(job.id)).toEqual([]);
  });

  it('cancels straight away without a savepoint folder', async () => {
    const { service, job, startAndLaunch, flink, follower, executions } = await setup();
    const execution = await startAndLaunch();
    await service.stopJob(job.id, {}, audit);
    await follower.followUp(execution.id);
    expect(flink.savepointRequests).toEqual([]);
    expect(await executions.findById(execution.id)).toMatchObject({ status: 'STOPPED' });
  });

  it('records a cancel the user asked for as one STOPPING entry', async () => {
    const { service, job, startAndLaunch, flink, follower, executions } = await setup({}, { savepointDir: 'file:///sp' });
    const execution = await startAndLaunch();
    await service.stopJob(job.id, { mode: 'cancel' }, audit);
    await follower.followUp(execution.id);
    expect(flink.cancelled).toEqual([execution.flinkJobId]);
    expect(stoppingDetails(await executions.findById(execution.id))).toEqual(['cancel requested by test-key']);
  });

  it('ends a run stopped before submission STOPPED without calling Flink', async () => {
    const { service, job, launcher, flink, executions } = await setup();
    const execution = await service.startJob(job.id, {}, audit);
    await service.stopJob(job.id, { mode: 'cancel' }, audit);
    await launcher.launch(execution.id);
    expect(await executions.findById(execution.id)).toMatchObject({ status: 'STOPPED' });
    expect(flink.runs).toEqual([]);
    expect(flink.uploads).toEqual([]);
  });
});

describe('recovery after a crash', () => {
  it('re-attaches a run saved at SUBMITTING whose Flink job exists, without submitting again', async () => {
    const { service, job, launcher, flink, executions } = await setup();
    const execution = await service.startJob(job.id, {}, audit);
    await launcher.launch(execution.id);
    // Pretend the process died right after Flink accepted the run, before RUNNING was saved.
    const stored = (await executions.findById(execution.id))!;
    executions.rows.set(execution.id, { ...stored, status: 'SUBMITTING', history: stored.history.slice(0, 4), exclusive: true });
    expect(resumeStep(heldExecutionOf((await executions.findById(execution.id))!))).toBe('launch');
    await launcher.launch(execution.id);
    expect((await executions.findById(execution.id))!.status).toBe('RUNNING');
    expect(flink.runs).toHaveLength(1);
  });

  it('submits a run saved at SUBMITTING that never reached Flink, once', async () => {
    const { service, job, launcher, flink, executions } = await setup();
    const execution = await service.startJob(job.id, {}, audit);
    await launcher.launch(execution.id);
    const stored = (await executions.findById(execution.id))!;
    executions.rows.set(execution.id, { ...stored, status: 'SUBMITTING', history: stored.history.slice(0, 4), exclusive: true });
    flink.jobs.clear();
    flink.runs.length = 0;
    await launcher.launch(execution.id);
    expect((await executions.findById(execution.id))!.status).toBe('RUNNING');
    expect(flink.runs).toHaveLength(1);
  });

  it('follows RUNNING runs and launches the ones that had not reached Flink', async () => {
    const { service, job, launcher, jobs, executions } = await setup();
    const running = await service.startJob(job.id, {}, audit);
    await launcher.launch(running.id);
    const other = createJob(aJobDefinition({ name: 'other' }), '00000000-0000-4000-8000-0000000000ff', new Date());
    await jobs.insert(other);
    const pending = await service.startJob(other.id, {}, audit);
    const { held } = await executions.renewLeases();
    expect(held.map((run) => [run.id, resumeStep(run)])).toEqual([
      [running.id, 'follow-up'],
      [pending.id, 'launch'],
    ]);
  });
});

describe('the version a run runs', () => {
  const v1 = { entryClass: 'com.example.V1', args: ['v1'], config: {}, timeoutSeconds: 60 };
  /** A job at version 1, its version row stored, and a run of it that FAILED. */
  async function failedAtVersion1() {
    const context = await setup(v1);
    await context.versions.append(versionOf(context.job, 'test-key'));
    const failed = await context.startAndLaunch();
    context.flink.jobs.set(failed.flinkJobId, 'failed');
    await context.follower.followUp(failed.id);
    return { ...context, failed };
  }
  /** Replaces the job, as the definition service does: version 2, with its row. */
  async function replace(context: { jobs: InMemoryJobRepository; versions: InMemoryJobVersionRepository; clock: FixedClock; job: Job }, change: Partial<JobDefinition>) {
    const replaced = await context.jobs.update(context.job.id, (current) => replaceJob(current, { ...definitionOf(current), ...change }, context.clock.now()));
    await context.versions.append(versionOf(replaced!, 'test-key'));
    return replaced!;
  }

  it('launches a retry created at version 1 with version 1 after the job was replaced, and says so', async () => {
    const context = await failedAtVersion1();
    const { service, flink, executions, dispatched, failed } = context;
    expect(failed).toMatchObject({ jobVersion: 1, status: 'RUNNING' });
    expect((await executions.findById(failed.id))!.status).toBe('FAILED');
    await replace(context, { entryClass: 'com.example.V2', args: ['v2'] });
    const retry = await service.retryExecution(failed.id, audit);
    expect(retry.jobVersion).toBe(1);
    await dispatched.runRecorded();
    expect(flink.runs.map((run) => [run.entryClass, run.programArgs])).toEqual([
      ['com.example.V1', ['v1']],
      ['com.example.V1', ['v1']],
    ]);
    const launched = (await executions.findById(retry.id))!;
    expect(launched.status).toBe('RUNNING');
    expect(launched.programArgs).toEqual(['v1']);
    expect(launched.history.find((entry) => entry.status === 'SUBMITTING')?.detail).toBe(
      'runs job version 1 (the job is at version 2 now)',
    );
  });

  it("stops a run by its own version's timeoutSeconds, not the replaced job's", async () => {
    const context = await failedAtVersion1();
    await replace(context, { timeoutSeconds: null });
    const retry = await context.service.retryExecution(context.failed.id, audit);
    await context.dispatched.runRecorded();
    context.clock.advance(61_000);
    await context.follower.followUp(retry.id);
    expect(context.flink.cancelled).toEqual([retry.flinkJobId]);
    expect((await context.executions.findById(retry.id))!.error?.code).toBe('TIMEOUT');
  });

  it('reads no version for a run at the current version', async () => {
    const { versions, executions, startAndLaunch, flink, follower } = await setup(v1);
    const find = vi.spyOn(versions, 'find');
    const execution = await startAndLaunch();
    await follower.followUp(execution.id);
    expect(flink.runs.map((run) => run.entryClass)).toEqual(['com.example.V1']);
    expect(find).not.toHaveBeenCalled();
    const { history } = (await executions.findById(execution.id))!;
    expect(history.filter((entry) => entry.detail?.startsWith('runs job version'))).toEqual([]);
  });

  it('fails a run whose version row is missing with JOB_VERSION_NOT_FOUND, submitting nothing', async () => {
    const context = await failedAtVersion1();
    // Replaced without its rows: the versions store lost version 1 (which should not happen).
    context.versions.rows.splice(0);
    await context.jobs.update(context.job.id, (current) => replaceJob(current, { ...definitionOf(current), entryClass: 'com.example.V2' }, context.clock.now()));
    const retry = await context.service.retryExecution(context.failed.id, audit);
    await context.dispatched.runRecorded();
    expect(await context.executions.findById(retry.id)).toMatchObject({
      status: 'FAILED',
      error: { code: 'JOB_VERSION_NOT_FOUND' },
    });
    expect((await context.executions.findById(retry.id))!.error!.message).toContain("Version 1 of job '");
    expect(context.flink.runs).toHaveLength(1);
  });
});
