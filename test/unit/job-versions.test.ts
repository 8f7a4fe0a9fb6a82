import { beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { newExecution, retryExecution, skippedExecution, transition } from '../../domain/entities/execution.js';
import { JobNotFoundError, JobVersionMismatchError, JobVersionNotFoundError } from '../../domain/errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import {
  ExceptionHistoryService,
  FORGOTTEN_NOTE,
  MAX_EXCEPTIONS,
  NOT_SUBMITTED_NOTE,
} from '../../domain/services/executions/exception-history.js';
import { JobDefinitionService } from '../../domain/services/job-definition-service.js';
import { JobVersionService } from '../../domain/services/job-version-service.js';
import { executionRepresentation } from '../../adapters/input/http/executions/execution-resource.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FakeFlinkCluster } from './fakes/fake-flink-cluster.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork, type InMemoryAuditTrail } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryJobVersionRepository } from './fakes/in-memory-job-version-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';

describe('job versions', () => {
  let jobs: InMemoryJobRepository;
  let versions: InMemoryJobVersionRepository;
  let clock: FixedClock;
  let trail: InMemoryAuditTrail;
  let definitions: JobDefinitionService;
  let service: JobVersionService;

  beforeEach(() => {
    jobs = new InMemoryJobRepository();
    versions = new InMemoryJobVersionRepository();
    clock = new FixedClock();
    const ids = new SequentialIds();
    const executions = new InMemoryExecutionRepository();
    const work = inMemoryUnitOfWork({ jobs, versions, executions, schedules: new InMemoryScheduleRepository(executions) });
    trail = work.trail;
    const jarPolicy = { refusalFor: () => undefined };
    definitions = new JobDefinitionService(jobs, new AuditedChanges(work.unitOfWork, clock, ids), clock, ids, jarPolicy, new CronerCalculator());
    service = new JobVersionService(jobs, versions, definitions);
  });

  it('stores a version with each create and replace, naming who made it', async () => {
    const job = await definitions.createJob(aJobDefinition({ parallelism: 1 }), anAuditContext({ name: 'alice' }));
    clock.advance(60_000);
    await definitions.replaceJob(job.id, aJobDefinition({ parallelism: 2 }), anAuditContext({ name: 'bob' }));
    expect(versions.rows.map(({ version, changedBy, definition }) => ({ version, changedBy, parallelism: definition.parallelism }))).toEqual([
      { version: 1, changedBy: 'alice', parallelism: 1 },
      { version: 2, changedBy: 'bob', parallelism: 2 },
    ]);
    expect(versions.rows[1]!.createdAt.getTime() - versions.rows[0]!.createdAt.getTime()).toBe(60_000);
    // A refused replace stores none.
    await expect(definitions.replaceJob(job.id, aJobDefinition(), anAuditContext(), 1)).rejects.toBeInstanceOf(JobVersionMismatchError);
    expect(versions.rows).toHaveLength(2);
  });

  it('pages newest first, and refuses an unknown job or version', async () => {
    const job = await definitions.createJob(aJobDefinition(), anAuditContext());
    for (const parallelism of [2, 3, 4]) await definitions.replaceJob(job.id, aJobDefinition({ parallelism }), anAuditContext());
    const first = await service.listVersions(job.id, { limit: 3 });
    expect(first.versions.map((one) => one.version)).toEqual([4, 3, 2]);
    expect(first.next).toBe(2);
    const last = await service.listVersions(job.id, { limit: 3, before: first.next });
    expect(last).toEqual({ versions: [expect.objectContaining({ version: 1 })] });
    await expect(service.getVersion(job.id, 9)).rejects.toBeInstanceOf(JobVersionNotFoundError);
    await expect(service.listVersions('00000000-0000-4000-8000-000000000009', { limit: 1 })).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it("rolls back by storing the old definition as the next version, with the replace's audit row and event", async () => {
    const job = await definitions.createJob(aJobDefinition({ parallelism: 1, labels: { a: 'b' } }), anAuditContext());
    await definitions.replaceJob(job.id, aJobDefinition({ parallelism: 8 }), anAuditContext());
    await expect(service.rollbackJob(job.id, 1, anAuditContext(), 1)).rejects.toBeInstanceOf(JobVersionMismatchError);
    const rolled = await service.rollbackJob(job.id, 1, anAuditContext({ name: 'carol', action: 'job.rollback' }), 2);
    expect(rolled).toMatchObject({ version: 3, parallelism: 1, labels: { a: 'b' } });
    expect(versions.rows.at(-1)).toMatchObject({ version: 3, changedBy: 'carol', definition: { parallelism: 1 } });
    expect(trail.events.at(-1)).toMatchObject({ action: 'job.rollback', actor: 'carol', versionBefore: 2, versionAfter: 3 });
  });
});

describe("a run's job version", () => {
  const now = new Date('2026-11-24T10:00:00Z');

  it('is the one it was created with; a retry keeps it, whatever the job is at now', () => {
    const run = newExecution({ id: 'r1', jobId: 'j', trigger: 'schedule', jobVersion: 4, now });
    const failed = transition(transition(run, 'DOWNLOADING', now), 'FAILED', now);
    expect(failed.jobVersion).toBe(4);
    expect(retryExecution(failed, { id: 'r2', now, notBefore: null }).jobVersion).toBe(4);
    const reason = { code: 'OVERLAP', message: 'busy' };
    expect(skippedExecution({ id: 'r3', jobId: 'j', scheduledFor: now, reason, jobVersion: 5, now }).jobVersion).toBe(5);
    expect(newExecution({ id: 'r4', jobId: 'j', trigger: 'manual', now }).jobVersion).toBeNull();
  });
});

describe("a run's exceptions", () => {
  const history = { exceptions: [], truncated: true };
  let executions: InMemoryExecutionRepository;
  let flink: FakeFlinkCluster;
  let service: ExceptionHistoryService;
  const now = new Date('2026-11-24T10:00:00Z');

  beforeEach(() => {
    executions = new InMemoryExecutionRepository();
    flink = new FakeFlinkCluster();
    service = new ExceptionHistoryService(executions, flink);
  });

  async function storedRun(submitted: boolean) {
    let run = newExecution({ id: '00000000-0000-4000-8000-0000000000e1', jobId: 'j', trigger: 'manual', now });
    if (submitted) for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING'] as const) run = transition(run, status, now);
    await executions.insert(run, { exclusive: true });
    return run;
  }

  it("asks Flink for the run's job, up to MAX_EXCEPTIONS entries", async () => {
    const run = await storedRun(true);
    flink.history = history;
    expect(await service.exceptionsOf(run.id)).toMatchObject({ ...history, note: null, execution: { id: run.id } });
    expect(flink.historyRequests).toEqual([{ flinkJobId: run.flinkJobId, maxExceptions: MAX_EXCEPTIONS }]);
  });

  it('answers an empty list with a note, without asking, for a run not submitted; and for a job Flink forgot', async () => {
    const pending = await storedRun(false);
    expect(await service.exceptionsOf(pending.id)).toMatchObject({ exceptions: [], note: NOT_SUBMITTED_NOTE });
    expect(flink.historyRequests).toEqual([]);
    executions.rows.clear();
    const submitted = await storedRun(true);
    flink.history = undefined;
    expect(await service.exceptionsOf(submitted.id)).toMatchObject({ exceptions: [], note: FORGOTTEN_NOTE });
  });

  it('passes on that Flink is unreachable', async () => {
    const run = await storedRun(true);
    flink.reachable = false;
    await expect(service.exceptionsOf(run.id)).rejects.toMatchObject({ code: 'FLINK_UNREACHABLE' });
  });
});

describe("an execution's flinkWebUrl", () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const run = newExecution({ id: '8c752f91-3001-4912-952a-262aacea6668', jobId: 'j', trigger: 'manual', now });

  it("links the Flink job's page once the run has a Flink job id, null before", () => {
    const show = executionRepresentation('http://flink-ui:8081/');
    expect(show(run).flinkWebUrl).toBeNull();
    const submitted = transition(transition(transition(run, 'DOWNLOADING', now), 'UPLOADING', now), 'SUBMITTING', now);
    expect(show(submitted).flinkWebUrl).toBe('http://flink-ui:8081/#/job/running/8c752f9130014912952a262aacea6668/overview');
  });
});
