import { beforeEach, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import {
  JarLocationRefusedError,
  JobNameTakenError,
  JobNotFoundError,
  JobVersionMismatchError,
} from '../../domain/errors.js';
import { InvalidTemplateError } from '../../domain/template-errors.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { JobDefinitionService } from '../../domain/services/job-definition-service.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';
import { inMemoryUnitOfWork, type InMemoryAuditTrail } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { anAuditContext } from '../support/audit-contexts.js';

const audit = anAuditContext();

describe('JobDefinitionService', () => {
  let repository: InMemoryJobRepository;
  let clock: FixedClock;
  let service: JobDefinitionService;
  let trail: InMemoryAuditTrail;

  beforeEach(() => {
    repository = new InMemoryJobRepository();
    clock = new FixedClock();
    const jarPolicy = {
      refusalFor: (url: string) => (url.includes('evil') ? "host 'evil' is not allowed" : undefined),
    };
    const ids = new SequentialIds();
    const executions = new InMemoryExecutionRepository();
    const schedules = new InMemoryScheduleRepository(executions);
    const work = inMemoryUnitOfWork({ jobs: repository, executions, schedules });
    trail = work.trail;
    service = new JobDefinitionService(repository, new AuditedChanges(work.unitOfWork, clock, ids), clock, ids, jarPolicy, new CronerCalculator());
  });

  it('refuses a jarURL the JAR policy refuses, on create and on replace, storing nothing', async () => {
    await expect(service.createJob(aJobDefinition({ jarURL: 'http://evil/x.jar' }), audit)).rejects.toBeInstanceOf(
      JarLocationRefusedError,
    );
    expect(repository.rows.size).toBe(0);
    const job = await service.createJob(aJobDefinition(), audit);
    await expect(service.replaceJob(job.id, aJobDefinition({ jarURL: 'http://evil/x.jar' }), audit)).rejects.toThrow(
      "jarURL cannot be used: host 'evil' is not allowed",
    );
    expect((await service.getJob(job.id)).version).toBe(1);
  });

  it('refuses a placeholder no run could resolve, on create and on replace, storing nothing', async () => {
    const templated = aJobDefinition({ args: ['--date', '{{dataIntervalStart | date:"yyyy-MM-dd"}}'] });
    const job = await service.createJob(templated, audit);
    const broken = aJobDefinition({ args: ['--date', '{{ds}}'] });
    await expect(service.createJob({ ...broken, name: 'other' }, audit)).rejects.toBeInstanceOf(InvalidTemplateError);
    await expect(service.replaceJob(job.id, broken, audit)).rejects.toThrow("args[1]: {{ds}}: unknown placeholder 'ds'");
    expect(repository.rows.size).toBe(1);
    expect((await service.getJob(job.id)).version).toBe(1);
  });

  it('creates a job with a new id at version 1 and stores it', async () => {
    const job = await service.createJob(aJobDefinition({ name: 'alpha' }), audit);
    expect(job.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(job.version).toBe(1);
    expect(job.createdAt).toEqual(clock.now());
    expect(await service.getJob(job.id)).toEqual(job);
  });

  it('passes a name clash from the repository through', async () => {
    await service.createJob(aJobDefinition({ name: 'alpha' }), audit);
    await expect(service.createJob(aJobDefinition({ name: 'alpha' }), audit)).rejects.toBeInstanceOf(JobNameTakenError);
  });

  it.each(['not-a-uuid', '', '00000000-0000-4000-8000-00000000000z'])('treats malformed id %j as not found', async (id) => {
    await expect(service.getJob(id)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(service.deleteJob(id, audit)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(service.replaceJob(id, aJobDefinition(), audit)).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('pages through jobs with a cursor after the last row of each page', async () => {
    for (const name of ['d', 'a', 'c', 'b', 'e']) await service.createJob(aJobDefinition({ name }), audit);
    const first = await service.listJobs({ limit: 2 });
    expect(first.jobs.map((job) => job.name)).toEqual(['a', 'b']);
    expect(first.next).toEqual({ name: 'b', id: first.jobs[1]!.id });
    const second = await service.listJobs({ limit: 2, after: first.next });
    expect(second.jobs.map((job) => job.name)).toEqual(['c', 'd']);
    const third = await service.listJobs({ limit: 2, after: second.next });
    expect(third.jobs.map((job) => job.name)).toEqual(['e']);
    expect(third.next).toBeUndefined();
  });

  it('has no next cursor when the page is exactly full', async () => {
    for (const name of ['a', 'b']) await service.createJob(aJobDefinition({ name }), audit);
    expect((await service.listJobs({ limit: 2 })).next).toBeUndefined();
  });

  it('replaces a job: new definition, version + 1, createdAt kept, updatedAt moved', async () => {
    const job = await service.createJob(aJobDefinition({ name: 'alpha' }), audit);
    clock.advance(1000);
    const replaced = await service.replaceJob(job.id, aJobDefinition({ name: 'beta', parallelism: 3 }), audit);
    expect(replaced).toMatchObject({ id: job.id, name: 'beta', parallelism: 3, version: 2, createdAt: job.createdAt });
    expect(replaced.updatedAt.getTime()).toBe(job.updatedAt.getTime() + 1000);
    expect(await service.getJob(job.id)).toEqual(replaced);
  });

  it('refuses a replace whose expected version is stale', async () => {
    const job = await service.createJob(aJobDefinition(), audit);
    await service.replaceJob(job.id, aJobDefinition({ description: 'v2' }), audit);
    const attempt = service.replaceJob(job.id, aJobDefinition({ description: 'v3' }), audit, 1);
    await expect(attempt).rejects.toBeInstanceOf(JobVersionMismatchError);
    expect((await service.getJob(job.id)).description).toBe('v2');
  });

  it('replaces without an expected version whatever the current version is (last writer wins)', async () => {
    const job = await service.createJob(aJobDefinition(), audit);
    await service.replaceJob(job.id, aJobDefinition({ description: 'theirs' }), audit);
    const replaced = await service.replaceJob(job.id, aJobDefinition({ description: 'mine' }), audit);
    expect(replaced.version).toBe(3);
    expect((await service.getJob(job.id)).description).toBe('mine');
  });

  it('reports the version it found when the expected one is stale', async () => {
    const job = await service.createJob(aJobDefinition(), audit);
    await service.replaceJob(job.id, aJobDefinition(), audit);
    await expect(service.replaceJob(job.id, aJobDefinition(), audit, 1)).rejects.toMatchObject({
      code: 'JOB_VERSION_MISMATCH',
      actualVersion: 2,
    });
  });

  it('deletes a job: gone from reads and lists, a second delete is not found, the name is free again', async () => {
    const job = await service.createJob(aJobDefinition({ name: 'alpha' }), audit);
    await service.deleteJob(job.id, audit);
    await expect(service.getJob(job.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await service.listJobs({ limit: 10 })).jobs).toEqual([]);
    await expect(service.deleteJob(job.id, audit)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(service.createJob(aJobDefinition({ name: 'alpha' }), audit)).resolves.toMatchObject({ name: 'alpha' });
  });
});
