import { describe, expect, it } from 'vitest';
import { removableRunsOf, retentionRuleAt, type RemovableRuns } from '../../domain/entities/execution-retention.js';
import { createJob } from '../../domain/entities/job.js';
import { InvalidPurgeError, JobNotFoundError } from '../../domain/errors.js';
import type { ExecutionHistory, RunPosition, SweptBatch } from '../../domain/ports/output/execution-history.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { ExecutionRetentionService } from '../../domain/services/executions/execution-retention-service.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { inMemoryUnitOfWork } from './fakes/in-memory-audit-trail.js';
import { InMemoryExecutionRepository } from './fakes/in-memory-execution-repository.js';
import { InMemoryJobRepository } from './fakes/in-memory-job-repository.js';
import { InMemoryScheduleRepository } from './fakes/in-memory-schedule-repository.js';
import { FixedClock, SequentialIds } from './fakes/fixed-clock.js';

const now = new Date('2026-06-01T12:00:00.000Z');

describe('removableRunsOf', () => {
  it.each([
    ['nothing given: every finished run up to now', {}, { before: now }],
    ['a past instant', { before: new Date('2026-05-01T00:00:00Z') }, { before: new Date('2026-05-01T00:00:00Z') }],
    ['exactly now', { before: now }, { before: now }],
    ['one job', { jobId: 'j' }, { before: now, jobId: 'j' }],
  ])('%s', (_name, request, expected) => {
    expect(removableRunsOf(request, now)).toEqual(expected);
  });

  it('refuses a `before` in the future, saying what time it is', () => {
    expect(removableRunsOf({ before: new Date(now.getTime() + 1) }, now)).toBe(
      'must not be in the future (it is 2026-06-01T12:00:00.000Z now)',
    );
  });
});

describe('retentionRuleAt', () => {
  it('sets the age limit that long before now, fractions of a day included', () => {
    expect(retentionRuleAt(now, { maxAgeMs: 2 * 60_000, keepPerJob: 7 })).toEqual({
      before: new Date('2026-06-01T11:58:00.000Z'),
      keepPerJob: 7,
    });
  });
});

type Batch<P> = SweptBatch<P> | null;

/** A history that hands out the batches it is given, and remembers how it was asked. */
class ScriptedHistory implements ExecutionHistory {
  readonly asked: string[] = [];
  readonly purges: { runs: RemovableRuns; dryRun: boolean }[] = [];
  reclaimed = 0;

  constructor(
    private readonly old: Batch<RunPosition>[],
    private readonly counted: Batch<string>[] = [],
    private readonly deletedJobs: (number | null)[] = [],
  ) {}

  async sweepOldRuns(_before: Date, _limit: number, after: RunPosition | null) {
    this.asked.push(`old after ${after?.id ?? 'start'}`);
    return this.old.length ? this.old.shift()! : { removed: 0, next: null };
  }
  async sweepRunsPastCount(keep: number, _limit: number, after: string | null) {
    this.asked.push(`count ${keep} after ${after ?? 'start'}`);
    return this.counted.length ? this.counted.shift()! : { removed: 0, next: null };
  }
  async sweepDeletedJobs() {
    this.asked.push('deleted jobs');
    return this.deletedJobs.length ? this.deletedJobs.shift()! : 0;
  }
  async reclaimSpace() {
    this.reclaimed++;
  }
  async countRemovable(runs: RemovableRuns) {
    this.purges.push({ runs, dryRun: true });
    return 3;
  }
  async removeRemovable(runs: RemovableRuns) {
    this.purges.push({ runs, dryRun: false });
    return 3;
  }
}

const position = (id: string): RunPosition => ({ createdAt: now, id });

function aService(history: ScriptedHistory) {
  const jobs = new InMemoryJobRepository();
  const executions = new InMemoryExecutionRepository();
  const schedules = new InMemoryScheduleRepository(executions);
  const { trail, unitOfWork } = inMemoryUnitOfWork({ jobs, executions, schedules, history });
  const clock = new FixedClock(now);
  const changes = new AuditedChanges(unitOfWork, clock, new SequentialIds());
  const service = new ExecutionRetentionService(history, jobs, changes, clock, { maxAgeMs: 60_000, keepPerJob: 10 });
  return { service, jobs, trail };
}

describe('ExecutionRetentionService', () => {
  it('walks old runs, then runs past the count per job, then deleted jobs, each from where the last batch said', async () => {
    const history = new ScriptedHistory(
      [{ removed: 1000, next: position('r1') }, { removed: 10, next: null }],
      [{ removed: 1000, next: 'a' }, { removed: 5, next: 'b' }, { removed: 0, next: null }],
      [1000, 7],
    );
    expect(await aService(history).service.sweep()).toBe(3022);
    expect(history.asked).toEqual([
      'old after start',
      'old after r1',
      'count 10 after start',
      'count 10 after a',
      'count 10 after b',
      'deleted jobs',
      'deleted jobs',
    ]);
  });

  it('hands the space back once this replica removed 10,000 rows since it last did', async () => {
    const full = { removed: 1000, next: position('r') };
    const history = new ScriptedHistory([
      ...Array<SweptBatch<RunPosition>>(5).fill(full),
      { removed: 1000, next: null },
      ...Array<SweptBatch<RunPosition>>(3).fill(full),
      { removed: 999, next: null },
      { removed: 1, next: null },
      { removed: 500, next: null },
    ]);
    const { service } = aService(history);
    expect([await service.sweep(), await service.sweep()]).toEqual([6000, 3999]);
    expect(history.reclaimed).toBe(0);
    await service.sweep();
    expect(history.reclaimed).toBe(1);
    await service.sweep();
    expect(history.reclaimed).toBe(1);
  });

  it('stops at once when another replica holds the sweep', async () => {
    const history = new ScriptedHistory([{ removed: 1000, next: position('r1') }, null, { removed: 1, next: null }]);
    expect(await aService(history).service.sweep()).toBe(1000);
    expect(history.asked).toEqual(['old after start', 'old after r1']);
  });

  it('purges (or counts, in a dry run) in a transaction that records the audit row', async () => {
    const history = new ScriptedHistory([]);
    const { service, trail } = aService(history);
    expect(await service.purge({ dryRun: true }, anAuditContext({ action: 'run.purge' }))).toEqual({ removed: 3, dryRun: true });
    expect(await service.purge({}, anAuditContext({ action: 'run.purge' }))).toEqual({ removed: 3, dryRun: false });
    expect(history.purges).toEqual([
      { runs: { before: now }, dryRun: true },
      { runs: { before: now }, dryRun: false },
    ]);
    expect(trail.events.map((event) => [event.action, event.resourceId])).toEqual([
      ['run.purge', '*'],
      ['run.purge', '*'],
    ]);
  });

  it("purges a deleted job's runs, refuses a job that never existed and a future `before`, removing nothing", async () => {
    const history = new ScriptedHistory([]);
    const { service, jobs, trail } = aService(history);
    const job = createJob(aJobDefinition(), 'job-1', now);
    await jobs.insert(job);
    await jobs.remove(job.id, now);
    expect((await service.purge({ jobId: job.id }, anAuditContext())).removed).toBe(3);
    await expect(service.purge({ jobId: 'job-2' }, anAuditContext())).rejects.toThrow(JobNotFoundError);
    await expect(service.purge({ before: new Date(now.getTime() + 1000) }, anAuditContext())).rejects.toThrow(InvalidPurgeError);
    expect(history.purges).toHaveLength(1);
    expect(trail.events).toHaveLength(1);
  });
});
