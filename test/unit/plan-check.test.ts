import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { createJob, type JobDefinition } from '../../domain/entities/job.js';
import { ArtifactError, JobNotFoundError } from '../../domain/errors.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { UNSTARTED_EXECUTION_ID } from '../../domain/services/executions/run-argument-resolver.js';
import { InvalidTemplateError } from '../../domain/template-errors.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';

async function setup(definition: Partial<JobDefinition> = {}) {
  const clock = new FixedClock(new Date('2026-11-30T08:15:00.000Z'));
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const flink = new FakeFlinkCluster();
  const artifacts = new FakeArtifactSource();
  const uploads = new InMemoryJarUploadRegistry();
  const savepointPorts = inMemorySavepointPorts();
  const versions = new InMemoryJobVersionRepository();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, versions, executions, schedules, savepoints: savepointPorts.savepoints });
  const ports = {
    ...savepointPorts, versions, jobs, executions, schedules, unitOfWork, artifacts, flink, uploads, tasks: new RecordedTasks(), clock, ids, cron: new CronerCalculator(),
  };
  const units = createExecutionUnits(ports, { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 });
  const job = createJob(aJobDefinition({ config: { mode: 'bounded' }, args: ['x'], parallelism: 2, ...definition }), ids.newId(), clock.now());
  await jobs.insert(job);
  return { flink, artifacts, uploads, executions, job, plans: units.plans, units };
}

describe('Plan check', () => {
  it("answers the graph Flink built from the job's JAR and arguments, running nothing and storing no run", async () => {
    const { plans, flink, artifacts, executions, job } = await setup({ flinkConfiguration: { 'pipeline.name': '{{jobName}} {{scheduledFor | date:"yyyy-MM-dd"}}' } });
    flink.jobPlan = { flinkJobName: 'TestJob bounded', vertices: [{ id: 'v1', description: 'Source: sequence\n+- square', parallelism: 2 }] };

    const outcome = await plans.check(job.id);

    expect(outcome).toEqual({ ok: true, plan: flink.jobPlan });
    expect(flink.plans).toEqual([
      {
        jarId: '1_word-count.jar',
        entryClass: 'com.example.WordCount',
        programArgs: ['--mode', 'bounded', 'x'],
        parallelism: 2,
        // Placeholders resolve as for a run started now.
        flinkConfiguration: { 'pipeline.name': 'word-count 2026-11-30' },
      },
    ]);
    expect(flink.runs).toEqual([]);
    expect(await executions.findActiveForJob(job.id)).toEqual([]);
    expect(artifacts.held, 'the JAR is let go').toBe(0);
  });

  it('reuses the upload Flink has, and uploads again when the JobManager lost it', async () => {
    const { plans, flink, uploads, job } = await setup();
    await plans.check(job.id);
    await plans.check(job.id);
    expect(flink.uploads).toHaveLength(1);

    flink.jars.clear(); // a JobManager restart
    expect((await plans.check(job.id)).ok).toBe(true);
    expect(flink.uploads).toHaveLength(2);
    expect(uploads.uploads.map((u) => u.jarId)).toEqual(['2_word-count.jar']);
  });

  it('refuses with JOB_GRAPH_FAILED and the cause when main() throws or the class is missing', async () => {
    const { plans, flink, artifacts, job } = await setup();
    flink.refusePlanWith = 'java.lang.ClassNotFoundException: com.example.WordCount';

    const outcome = await plans.check(job.id);

    expect(outcome).toEqual({ ok: false, code: 'JOB_GRAPH_FAILED', cause: 'java.lang.ClassNotFoundException: com.example.WordCount' });
    expect(flink.uploads, 'the JAR stays uploaded for the next check or run').toHaveLength(1);
    expect(artifacts.held).toBe(0);
  });

  it('refuses with the JAR code when the JAR cannot be had, asking nothing of Flink', async () => {
    const { plans, flink, artifacts, job } = await setup();
    artifacts.failWith = new ArtifactError('JAR_DOWNLOAD_FAILED', 'Downloading http://data-processor:8080/jars/word-count.jar failed: HTTP 404');

    expect(await plans.check(job.id)).toEqual({
      ok: false,
      code: 'JAR_DOWNLOAD_FAILED',
      cause: 'Downloading http://data-processor:8080/jars/word-count.jar failed: HTTP 404',
    });
    artifacts.failWith = undefined;
    expect(await plans.check(job.id, { ...job, jarSha256: 'b'.repeat(64) })).toMatchObject({ ok: false, code: 'JAR_CHECKSUM_MISMATCH' });
    expect(flink.uploads).toEqual([]);
    expect(flink.plans).toEqual([]);
  });

  it('checks a definition given in place of the stored one, and leaves Flink errors to the caller', async () => {
    const { plans, flink, job } = await setup();
    const next = aJobDefinition({ entryClass: 'com.example.Next', args: ['--run', '{{executionId}}'], parallelism: null });
    await plans.check(job.id, next);
    expect(flink.plans[0]).toMatchObject({ entryClass: 'com.example.Next', programArgs: ['--run', UNSTARTED_EXECUTION_ID], parallelism: null });

    await expect(plans.check(job.id, { ...next, args: ['{{nope}}'] })).rejects.toBeInstanceOf(InvalidTemplateError);
    const stored = await setup({ args: ['{{nope}}'] }); // stored before placeholders were checked
    await expect(stored.plans.check(stored.job.id)).rejects.toBeInstanceOf(InvalidTemplateError);
    expect(stored.flink.uploads).toEqual([]);
    await expect(plans.check('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(JobNotFoundError);
    flink.reachable = false;
    await expect(plans.check(job.id)).rejects.toMatchObject({ code: 'FLINK_UNREACHABLE' });
  });
});
