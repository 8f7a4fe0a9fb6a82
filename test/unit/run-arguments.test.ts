import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import type { Execution } from '../../domain/entities/execution.js';
import { createJob, type JobDefinition } from '../../domain/entities/job.js';
import { definitionTemplateProblems, resolvedRun, runValues } from '../../domain/entities/run-arguments.js';
import { createSchedule, previousFireTime, SCHEDULE_DEFAULTS } from '../../domain/entities/schedule.js';
import { ArtifactError } from '../../domain/errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { SchedulingService } from '../../domain/services/scheduling-service.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';

const ticks = new CronerCalculator();
const at = (iso: string) => new Date(iso);

describe('the tick before an instant', () => {
  it.each([
    // Daily at midnight in Berlin, across the change to summer time (2026-03-29) and back (2026-10-25).
    ['0 0 * * *', 'Europe/Berlin', '2026-03-29T22:00:00.000Z', '2026-03-28T23:00:00.000Z'],
    ['0 0 * * *', 'Europe/Berlin', '2026-03-28T23:00:00.000Z', '2026-03-27T23:00:00.000Z'],
    ['0 0 * * *', 'Europe/Berlin', '2026-10-25T23:00:00.000Z', '2026-10-24T22:00:00.000Z'],
    // 02:30 does not exist in Berlin on 2026-03-29: the tick before the next one is a day earlier still.
    ['30 2 * * *', 'Europe/Berlin', '2026-03-30T00:30:00.000Z', '2026-03-28T01:30:00.000Z'],
    ['0 * * * *', 'UTC', '2026-06-01T12:00:00.000Z', '2026-06-01T11:00:00.000Z'],
    ['0 * * * *', 'UTC', '2026-06-01T12:34:56.789Z', '2026-06-01T12:00:00.000Z'],
    ['* * * * *', 'UTC', '2026-06-01T12:00:00.000Z', '2026-06-01T11:59:00.000Z'],
    ['*/10 * * * * *', 'UTC', '2026-06-01T12:00:05.000Z', '2026-06-01T12:00:00.000Z'],
    ['0 0 1 1 *', 'UTC', '2026-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['0 0 29 2 *', 'UTC', '2026-06-01T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
  ])('%s in %s before %s is %s', (cron, timezone, before, expected) => {
    expect(previousFireTime(ticks, { cron, timezone }, at(before))?.toISOString()).toBe(expected);
  });
});

const daily = { cron: '0 0 * * *', timezone: 'Europe/Berlin' };
const run = (scheduledFor: string | null, createdAt = '2026-03-29T09:15:00.000Z') =>
  ({ id: '0a1b2c3d-0000-4000-8000-000000000001', attempt: 1, scheduledFor: scheduledFor === null ? null : at(scheduledFor), createdAt: at(createdAt) }) satisfies Partial<Execution>;

describe('the data interval of a run', () => {
  it('runs from the tick before to the tick a scheduled run is for, formatted in the zone, across summer time', () => {
    // Midnight of 30 March in Berlin, the first tick after the change: the interval is 23 hours long.
    const values = runValues(ticks, run('2026-03-29T22:00:00.000Z'), { name: 'orders' }, daily);
    expect(values).toMatchObject({ dataIntervalStart: at('2026-03-28T23:00:00.000Z'), dataIntervalEnd: at('2026-03-29T22:00:00.000Z'), timeZone: 'Europe/Berlin' });
    const job = job_({ args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}', '{{dataIntervalEnd | date:"yyyy-MM-dd\'T\'HH XXX"}}'] });
    expect(resolvedRun(job, values).programArgs).toEqual(['--date', '2026-03-29', '2026-03-30T00 +02:00']);
  });

  it('ends at the start time of a run not given one, and starts at the tick before it', () => {
    const values = runValues(ticks, run(null, '2026-03-29T09:15:00.000Z'), { name: 'orders' }, daily);
    expect(values).toMatchObject({ scheduledFor: at('2026-03-29T09:15:00.000Z'), dataIntervalStart: at('2026-03-28T23:00:00.000Z') });
  });

  it('is empty for a job without a schedule, and written in UTC', () => {
    const values = runValues(ticks, run('2026-06-01T12:30:00.000Z'), { name: 'orders' }, null);
    expect(values).toMatchObject({ dataIntervalStart: at('2026-06-01T12:30:00.000Z'), dataIntervalEnd: at('2026-06-01T12:30:00.000Z'), timeZone: 'UTC' });
  });
});

describe('placeholders in a definition', () => {
  it('names the field and the placeholder of each one that cannot be resolved', () => {
    const problems = definitionTemplateProblems(
      aJobDefinition({
        config: { date: '{{ds}}', rows: 5, ok: '{{jobName}}' },
        args: ['a', 'b', '{{scheduledFor | date:"YYYY"}}'],
        flinkConfiguration: { 'pipeline.name': '{{jobname}}' },
      }),
    );
    expect(problems.map(({ field, placeholder }) => ({ field, placeholder }))).toEqual([
      { field: 'config.date', placeholder: '{{ds}}' },
      { field: 'args[2]', placeholder: '{{scheduledFor | date:"YYYY"}}' },
      { field: 'flinkConfiguration.pipeline.name', placeholder: '{{jobname}}' },
    ]);
  });

  it('resolves config values, args and the Flink configuration; numbers and booleans stay as they are', () => {
    const job = job_({
      config: { day: '{{scheduledFor | date:"yyyyMMdd"}}', rows: 5 },
      args: ['{{jobName}}#{{attempt}}'],
      flinkConfiguration: { 'pipeline.name': '{{jobName}}-{{executionId}}' },
    });
    const resolved = resolvedRun(job, runValues(ticks, run('2026-06-01T12:00:00.000Z'), job, null));
    expect(resolved).toEqual({
      programArgs: ['--day', '20260601', '--rows', '5', 'orders#1'],
      flinkConfiguration: { 'pipeline.name': 'orders-0a1b2c3d-0000-4000-8000-000000000001' },
    });
  });
});

function job_(definition: Partial<JobDefinition>) {
  return createJob(aJobDefinition({ name: 'orders', ...definition }), '0a1b2c3d-0000-4000-8000-00000000000a', at('2026-01-01T00:00:00Z'));
}

/** Runs launched on fakes, with a clock the test sets. */
async function setup(definition: Partial<JobDefinition>, schedule?: { cron: string; timezone: string }) {
  const clock = new FixedClock(at('2026-03-30T07:45:00.000Z'));
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const tasks = new RecordedTasks();
  const artifacts = new FakeArtifactSource();
  const savepointPorts = inMemorySavepointPorts();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = { ...savepointPorts, versions: new InMemoryJobVersionRepository(), jobs, executions, schedules, unitOfWork, artifacts, flink, uploads: new InMemoryJarUploadRegistry(), tasks, clock, ids, cron: ticks };
  const units = createExecutionUnits(ports, { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 });
  const job = createJob(aJobDefinition({ name: 'orders', ...definition }), ids.newId(), clock.now());
  await jobs.insert(job);
  if (schedule) {
    const created = createSchedule(ticks, job.id, { ...SCHEDULE_DEFAULTS, ...schedule }, clock.now());
    await schedules.save(created, created.nextFireAt);
  }
  const scheduling = new SchedulingService(jobs, schedules, new AuditedChanges(unitOfWork, clock, ids), ticks, clock, ids, { announce: async () => {} }, units.queue);
  /** Moves the clock to `tick`, fires what is due as the scheduler loop does and runs its launch. */
  const fireTick = async (tick: Date) => {
    clock.set(tick);
    const fired = await scheduling.fireDueTicks();
    await units.queue.startFired(fired);
    await tasks.runRecorded();
    return fired;
  };
  /** Starts the job and runs its launch: the run as stored, and the arguments Flink was given. */
  const start = async (options: { scheduledFor?: Date } = {}) => {
    const started = await units.service.startJob(job.id, options, anAuditContext());
    await tasks.runRecorded();
    return { run: (await executions.findById(started.id))!, sent: flink.runs.at(-1)?.programArgs };
  };
  return { clock, start, fireTick, flink, units, executions, artifacts, tasks };
}

describe('a run of a templated job', () => {
  const dateArg = { args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}'] };

  it('records the arguments it sent to Flink, resolved against the start time of a manual run', async () => {
    const { start } = await setup(dateArg, daily);
    const { run, sent } = await start();
    expect(run.scheduledFor).toEqual(at('2026-03-30T07:45:00.000Z'));
    expect(sent).toEqual(['--date', '2026-03-30']);
    expect(run.programArgs).toEqual(sent);
  });

  it('takes the interval of the scheduledFor it is started with', async () => {
    const { start } = await setup(dateArg, daily);
    const { run, sent } = await start({ scheduledFor: at('2026-03-29T22:00:00.000Z') });
    expect(sent).toEqual(['--date', '2026-03-29']);
    expect(run.programArgs).toEqual(['--date', '2026-03-29']);
  });

  it('records the arguments in the write that stores a run ready to submit (JAR cached and on Flink)', async () => {
    const { start, clock, flink, units } = await setup({ ...dateArg, jarSha256: 'a'.repeat(64) }, daily);
    const { run: first } = await start();
    flink.jobs.set(first.flinkJobId, 'finished');
    await units.follower.followUp(first.id);
    clock.set(at('2026-04-02T10:00:00.000Z'));
    const stored = await units.service.startJob(first.jobId, {}, anAuditContext());
    expect(stored).toMatchObject({ status: 'SUBMITTING', programArgs: ['--date', '2026-04-02'], revision: 0 });
  });

  it('gives a retry the interval of the run it retries, whatever the time', async () => {
    const { start, clock, artifacts, units, tasks, executions } = await setup(dateArg, daily);
    artifacts.failWith = new ArtifactError('JAR_DOWNLOAD_FAILED', 'HTTP 503');
    const { run } = await start();
    expect(run).toMatchObject({ status: 'FAILED', programArgs: null });
    artifacts.failWith = undefined;
    clock.set(at('2026-04-05T10:00:00.000Z'));
    const retry = await units.service.retryExecution(run.id, anAuditContext());
    await tasks.runRecorded();
    expect(await executions.findById(retry.id)).toMatchObject({ scheduledFor: run.scheduledFor, programArgs: ['--date', '2026-03-30'] });
  });

  it('gives the automatic retry of a failed scheduled run the interval of its tick, however late it failed and the retry launched', async () => {
    const retrying = { retryPolicy: { maxAttempts: 2, backoffSeconds: 3600, backoffMultiplier: 1, maxBackoffSeconds: 3600 } };
    const interval = ['{{dataIntervalStart | date:"yyyy-MM-dd\'T\'HH:mm XXX"}}', '{{dataIntervalEnd | date:"yyyy-MM-dd\'T\'HH:mm XXX"}}'];
    const { fireTick, clock, flink, units, tasks, executions } = await setup({ ...retrying, args: ['--interval', ...interval] }, daily);
    // Midnight of 31 March in Berlin: the day of 30 March.
    const [tick] = await fireTick(at('2026-03-30T22:00:00.000Z'));
    const expected = ['--interval', '2026-03-30T00:00 +02:00', '2026-03-31T00:00 +02:00'];
    expect(await executions.findById(tick!.id)).toMatchObject({ trigger: 'schedule', status: 'RUNNING', programArgs: expected });

    // It fails on Flink the next morning, after that day's midnight: the time of the failure is in another interval.
    clock.set(at('2026-03-31T05:00:00.000Z'));
    flink.jobs.set(tick!.flinkJobId, 'failed');
    await units.follower.followUp(tick!.id);
    const failed = (await executions.findById(tick!.id))!;
    expect(failed).toMatchObject({ status: 'FAILED', scheduledFor: at('2026-03-30T22:00:00.000Z') });

    // A day later still (the back-off is an hour; the scheduler was down), the retry the policy queued launches.
    clock.set(at('2026-04-01T10:00:00.000Z'));
    const [retry] = await units.queue.startDue();
    await tasks.runRecorded();
    expect(await executions.findById(retry!.id)).toMatchObject({
      trigger: 'retry',
      retryOf: failed.id,
      attempt: 2,
      status: 'RUNNING',
      scheduledFor: failed.scheduledFor,
      programArgs: expected,
    });
    expect(flink.runs.at(-1)?.programArgs).toEqual(expected);
  });
});
