import { describe, expect, it } from 'vitest';
import { newExecution, type Execution } from '../../domain/entities/execution.js';
import type { ExecutionRepository } from '../../domain/ports/output/execution-repository.js';
import { ExecutionQueue } from '../../domain/services/executions/execution-queue.js';
import type { ExecutionFollower } from '../../domain/services/executions/follower.js';
import { HeldExecutions } from '../../domain/services/executions/held-executions.js';
import type { ExecutionLauncher } from '../../domain/services/executions/launcher.js';
import { ExecutionLeaseRound, MAX_TASK_BACKLOG } from '../../domain/services/executions/lease-round.js';
import { RecordedTasks } from './fakes/recorded-tasks.js';

const base = new Date('2026-06-01T00:00:00.000Z');
const runs = (count: number): Execution[] =>
  Array.from({ length: count }, (_, index) =>
    newExecution({ id: `run-${String(index).padStart(4, '0')}`, jobId: `job-${index}`, trigger: 'schedule', scheduledFor: base, now: new Date(base.getTime() + index) }),
  );

/** A launcher that records what it is asked to launch, as a task of the recorded queue. */
function recordingLauncher(tasks: RecordedTasks) {
  const started: string[] = [];
  const launch = (executionId: string) => {
    started.push(executionId);
    tasks.run(executionId, 'launch', async () => {});
  };
  return { started, launcher: { start: launch, resume: launch } as unknown as ExecutionLauncher };
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

  it('launches the runs a scheduler round stored only while the backlog has room', () => {
    const tasks = new RecordedTasks();
    const { started, launcher } = recordingLauncher(tasks);
    const queue = new ExecutionQueue(null!, null!, null!, launcher, null!, null!, tasks);
    const fired = runs(MAX_TASK_BACKLOG + 10);
    queue.startFired(fired);
    expect(started).toHaveLength(MAX_TASK_BACKLOG);
    expect(tasks.backlog()).toBe(MAX_TASK_BACKLOG);
  });
});
