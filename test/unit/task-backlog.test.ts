import { describe, expect, it } from 'vitest';
import { newExecution, type Execution } from '../../domain/entities/execution.js';
import type { Job } from '../../domain/entities/job.js';
import type { ExecutionRepository } from '../../domain/ports/output/execution-repository.js';
import type { JobRepository } from '../../domain/ports/output/job-repository.js';
import { ExecutionQueue } from '../../domain/services/executions/execution-queue.js';
import type { ExecutionFollower } from '../../domain/services/executions/follower.js';
import { HeldExecutions } from '../../domain/services/executions/held-executions.js';
import type { ExecutionLauncher, Started } from '../../domain/services/executions/launcher.js';
import { ExecutionLeaseRound, MAX_TASK_BACKLOG } from '../../domain/services/executions/lease-round.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';

const base = new Date('2026-06-01T00:00:00.000Z');
const runs = (count: number): Execution[] =>
  Array.from({ length: count }, (_, index) =>
    newExecution({ id: `run-${String(index).padStart(4, '0')}`, jobId: `job-${index}`, trigger: 'schedule', scheduledFor: base, now: new Date(base.getTime() + index) }),
  );

/** A launcher that records what it is asked to launch (and with which job), as a task of the recorded queue. */
function recordingLauncher(tasks: RecordedTasks) {
  const started: string[] = [];
  const jobsGiven: (string | undefined)[] = [];
  const launch = (executionId: string, given?: Started) => {
    started.push(executionId);
    jobsGiven.push(given?.job?.id);
    tasks.run(executionId, 'launch', async () => {});
  };
  return { started, jobsGiven, launcher: { start: launch, resume: launch } as unknown as ExecutionLauncher };
}

/** Jobs `job-N` for every run but the deleted ones, recording each read. */
function jobsOf(deleted: Set<string> = new Set()) {
  const reads: string[][] = [];
  const jobs = {
    findMany: async (ids: string[]) => {
      reads.push(ids);
      return new Map(ids.filter((id) => !deleted.has(id)).map((id) => [id, { id } as Job]));
    },
  } as unknown as JobRepository;
  return { jobs, reads };
}

describe('the background backlog of an instance', () => {
  it('offers its leased executions oldest first, never more than the backlog limit waiting at once', async () => {
    const tasks = new RecordedTasks();
    const { started, launcher } = recordingLauncher(tasks);
    const held = runs(MAX_TASK_BACKLOG + 100);
    const executions = { renewLeases: async () => ({ held: [...held].reverse(), takenOver: [] }) } as unknown as ExecutionRepository;
    const round = new ExecutionLeaseRound(executions, new HeldExecutions(), launcher, {} as ExecutionFollower, tasks);

    await round.renew();
    expect(started).toEqual(held.slice(0, MAX_TASK_BACKLOG).map((run) => run.id));

    // Once the backlog was worked through, the next round offers what is still leased here, the oldest first again.
    await tasks.runRecorded();
    started.length = 0;
    await round.renew();
    expect(started).toHaveLength(MAX_TASK_BACKLOG);
    expect(started[0]).toBe(held[0]!.id);
  });

  it('launches the runs a scheduler round stored only while the backlog has room', async () => {
    const tasks = new RecordedTasks();
    const { started, launcher } = recordingLauncher(tasks);
    const { jobs, reads } = jobsOf();
    const queue = new ExecutionQueue(jobs, null!, null!, launcher, null!, null!, tasks);
    const fired = runs(MAX_TASK_BACKLOG + 10);
    await queue.startFired(fired);
    expect(started).toHaveLength(MAX_TASK_BACKLOG);
    expect(tasks.backlog()).toBe(MAX_TASK_BACKLOG);
    // Only the jobs of the runs launched are read.
    expect(reads.flat()).toHaveLength(MAX_TASK_BACKLOG);
  });

  it('gives the launches of a round their jobs from one read; a run whose job is gone reads it at its launch', async () => {
    const tasks = new RecordedTasks();
    const { started, jobsGiven, launcher } = recordingLauncher(tasks);
    const { jobs, reads } = jobsOf(new Set(['job-1']));
    const queue = new ExecutionQueue(jobs, null!, null!, launcher, null!, null!, tasks);
    const fired = [...runs(3), { ...runs(1)[0]!, id: 'run-again' }, { ...runs(5)[4]!, status: 'SKIPPED' as const }];
    await queue.startFired(fired);
    expect(started).toEqual(['run-0000', 'run-0001', 'run-0002', 'run-again']);
    expect(jobsGiven).toEqual(['job-0', undefined, 'job-2', 'job-0']);
    expect(reads).toEqual([['job-0', 'job-1', 'job-2']]);
  });

  it('launches the runs of a round even when reading their jobs fails: each launch reads its own', async () => {
    const tasks = new RecordedTasks();
    const { started, jobsGiven, launcher } = recordingLauncher(tasks);
    const jobs = { findMany: async () => Promise.reject(new Error('database down')) } as unknown as JobRepository;
    const queue = new ExecutionQueue(jobs, null!, null!, launcher, null!, null!, tasks);
    await queue.startFired(runs(2));
    expect(started).toEqual(['run-0000', 'run-0001']);
    expect(jobsGiven).toEqual([undefined, undefined]);
  });
});
