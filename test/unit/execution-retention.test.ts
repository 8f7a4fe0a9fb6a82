import { describe, expect, it } from 'vitest';
import { removableRunsOf, retentionRuleAt, type RemovableRuns, type RetentionRule } from '../../domain/entities/execution-retention.js';
import { createJob } from '../../domain/entities/job.js';
import { InvalidPurgeError, JobNotFoundError } from '../../domain/errors.js';
import type { ExecutionHistory, SweptBatch } from '../../domain/ports/output/execution-history.js';
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

/** A history that hands out the batches it is given, and remembers how it was asked. */
class ScriptedHistory implements ExecutionHistory {
  readonly asked: { rule: RetentionRule; limit: number; after: string | null }[] = [];
  readonly purges: { runs: RemovableRuns; dryRun: boolean }[] = [];

  constructor(private readonly batches: (SweptBatch | null)[]) {}

  async sweepBatch(rule: RetentionRule, limit: number, after: string | null) {
    this.asked.push({ rule, limit, after });
    return this.batches.shift() ?? { removed: 0, nextJobId: null };
  }
  reclaimed = 0;
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
  it('sweeps a full batch again at the same job, then goes on after the job a short batch names, until the last', async () => {
    const history = new ScriptedHistory([
      { removed: 1000, nextJobId: 'a' },
      { removed: 10, nextJobId: 'a' },
      { removed: 0, nextJobId: 'b' },
      { removed: 5, nextJobId: null },
    ]);
    expect(await aService(history).service.sweep()).toBe(1015);
    expect(history.asked.map((call) => call.after)).toEqual([null, null, 'a', 'b']);
    expect(history.asked[0]!.rule).toEqual({ before: new Date(now.getTime() - 60_000), keepPerJob: 10 });
  });

  it('hands the space back once this replica removed 10,000 rows since it last did', async () => {
    const full = { removed: 1000, nextJobId: null };
    const history = new ScriptedHistory([
      ...Array<SweptBatch>(6).fill(full),
      { removed: 0, nextJobId: null },
      ...Array<SweptBatch>(3).fill(full),
      { removed: 999, nextJobId: null },
      { removed: 1, nextJobId: null },
      { removed: 500, nextJobId: null },
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
    const history = new ScriptedHistory([{ removed: 1000, nextJobId: 'a' }, null, { removed: 1, nextJobId: null }]);
    expect(await aService(history).service.sweep()).toBe(1000);
    expect(history.asked).toHaveLength(2);
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
