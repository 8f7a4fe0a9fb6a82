import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { createJob } from '../../domain/entities/job.js';
import { createExecutionUnits } from '../../domain/services/executions/execution-units.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeArtifactSource, InMemoryJarUploadRegistry } from './fakes/fake-artifacts.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';
import { inMemorySavepointPorts } from './fakes/in-memory-savepoint-repository.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { anAuditContext } from '../support/audit-contexts.js';

const audit = anAuditContext();

const settings = { savepointDir: null, stopTimeoutMs: 60_000, unreachableGraceMs: 300_000, upgradeStableMs: 10_000 };

/** Two instances of the execution units on one repository: what each drives is up to the leases. */
async function setup() {
  const clock = new FixedClock();
  const ids = new SequentialIds();
  const executions = new InMemoryExecutionRepository();
  const flink = new FakeFlinkCluster();
  const schedules = new InMemoryScheduleRepository(executions);
  const jobs = new InMemoryJobRepository(schedules);
  executions.definitions = jobs;
  const savepointPorts = inMemorySavepointPorts();
  const { unitOfWork } = inMemoryUnitOfWork({ jobs, executions, schedules, savepoints: savepointPorts.savepoints });
  const shared = { versions: new InMemoryJobVersionRepository(), jobs, executions, schedules, unitOfWork, flink, clock, ids, cron: new CronerCalculator() };
  const instance = () => {
    const tasks = new RecordedTasks();
    const ports = { ...savepointPorts, ...shared, artifacts: new FakeArtifactSource(), uploads: new InMemoryJarUploadRegistry(), tasks };
    return { tasks, flink, ...createExecutionUnits(ports, settings) };
  };
  const job = createJob(aJobDefinition(), ids.newId(), clock.now());
  await jobs.insert(job);
  return { jobs, executions, flink, job, instance };
}

describe('driving executions under leases', () => {
  it('follows up only the executions this instance drives, and asks once until the follow-up begins', async () => {
    const { job, instance } = await setup();
    const one = instance();
    const other = instance();
    const execution = await one.service.startJob(job.id, {}, audit);
    await one.tasks.runRecorded(); // the launch: RUNNING on Flink

    other.follower.request(execution.id);
    expect(other.tasks.followUp, 'not driven by the other instance').toEqual([]);
    one.follower.request(execution.id);
    one.follower.request(execution.id);
    expect(one.tasks.followUp).toEqual([execution.id]);
    await one.tasks.runRecorded();
    one.follower.request(execution.id);
    expect(one.tasks.followUp, 'asked again once the first began').toEqual([execution.id, execution.id]);
  });

  it('a lease round follows RUNNING executions, resumes launches, and leaves a launch under way alone', async () => {
    const { jobs, job, instance } = await setup();
    const one = instance();
    const running = await one.service.startJob(job.id, {}, audit);
    await one.tasks.runRecorded();
    const [pending, launching] = await Promise.all(
      ['second', 'third'].map(async (name, index) => {
        const other = createJob(aJobDefinition({ name }), `00000000-0000-4000-8000-0000000000f${index}`, new Date());
        await jobs.insert(other);
        return one.service.startJob(other.id, {}, audit);
      }),
    );

    // A fresh instance (a restart) drives what its leases say, and moves each execution a step on.
    const restarted = instance();
    restarted.tasks.busy.add(launching!.id);
    await restarted.leases.renew();
    expect(restarted.tasks.followUp).toEqual([running.id]);
    expect(restarted.tasks.launch, 'the launch under way is not started twice').toEqual([pending!.id]);
    await restarted.tasks.runRecorded();
    expect(restarted.flink.runs.map((run) => run.jobId)).toEqual([running.flinkJobId, pending!.flinkJobId]);
  });
});
