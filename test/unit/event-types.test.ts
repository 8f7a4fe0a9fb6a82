import { describe, expect, it } from 'vitest';
import {
  cloudEvent,
  eventTypeOfNewExecution,
  eventTypeOfStatusChange,
  runEvent,
  ticksMissedEvent,
} from '../../domain/entities/event.js';
import { EXECUTION_STATUSES, newExecution, skippedExecution, transition, type ExecutionStatus } from '../../domain/entities/execution.js';

const now = new Date('2026-06-01T12:00:00.000Z');

describe('the event a status change makes', () => {
  const expected: Record<ExecutionStatus, string | undefined> = {
    QUEUED: undefined,
    PENDING: undefined,
    DOWNLOADING: undefined,
    UPLOADING: undefined,
    SUBMITTING: undefined,
    RUNNING: 'run.started',
    STOPPING: undefined,
    SUCCEEDED: 'run.succeeded',
    FAILED: 'run.failed',
    STOPPED: 'run.stopped',
    SKIPPED: undefined,
  };
  it.each(EXECUTION_STATUSES.map((status) => [status, expected[status]]))('saved in %s: %s', (status, type) => {
    expect(eventTypeOfStatusChange(status)).toBe(type);
  });
});

describe('the event a new execution makes', () => {
  it.each([
    ['a manual run, PENDING', { status: 'PENDING', trigger: 'manual' }, 'run.queued'],
    ['a tick, PENDING', { status: 'PENDING', trigger: 'schedule' }, 'run.queued'],
    ['a tick waiting behind the active run, QUEUED', { status: 'QUEUED', trigger: 'schedule' }, 'run.queued'],
    ['a tick that did not run, SKIPPED', { status: 'SKIPPED', trigger: 'schedule' }, 'run.skipped'],
    ['a retry waiting for its back-off, QUEUED', { status: 'QUEUED', trigger: 'retry' }, 'run.retry_scheduled'],
    ['a retry asked for by hand, PENDING', { status: 'PENDING', trigger: 'retry' }, 'run.retry_scheduled'],
  ] as const)('%s: %s', (_name, execution, type) => {
    expect(eventTypeOfNewExecution(execution)).toBe(type);
  });
});

describe('what an event carries', () => {
  it('a run event: the execution as the API shows it, at the time of its last status, about its job', () => {
    const started = transition(newExecution({ id: 'e1', jobId: 'j1', trigger: 'manual', now }), 'DOWNLOADING', new Date(+now + 5));
    const event = runEvent('run.failed', transition(started, 'FAILED', new Date(+now + 9), { error: { code: 'X', message: 'why' } }));
    expect(event).toMatchObject({ type: 'run.failed', subject: 'j1', time: new Date(+now + 9) });
    expect(event.data).toMatchObject({ id: 'e1', status: 'FAILED', error: { code: 'X', message: 'why' }, endedAt: '2026-06-01T12:00:00.009Z' });
  });

  it('a skipped tick names its reason', () => {
    const skipped = skippedExecution({ id: 'e2', jobId: 'j1', scheduledFor: now, reason: { code: 'OVERLAP', message: 'busy' }, now });
    expect(runEvent(eventTypeOfNewExecution(skipped), skipped)).toMatchObject({ type: 'run.skipped', data: { error: { code: 'OVERLAP' } } });
  });

  it('missed ticks: their count and window', () => {
    const event = ticksMissedEvent('j1', { count: 7, exact: true, from: now, until: new Date(+now + 60_000) });
    expect(event.data).toEqual({ jobId: 'j1', count: 7, exact: true, window: { from: '2026-06-01T12:00:00.000Z', until: '2026-06-01T12:01:00.000Z' } });
  });

  it('is served as CloudEvents 1.0 structured JSON', () => {
    const stored = { id: 'id-1', sequence: '42', type: 'job.created' as const, subject: 'j1', time: now, data: { a: 1 } };
    expect(cloudEvent(stored)).toEqual({
      specversion: '1.0',
      id: 'id-1',
      type: 'job.created',
      source: '/flink-job-scheduler',
      subject: 'j1',
      time: '2026-06-01T12:00:00.000Z',
      datacontenttype: 'application/json',
      sequence: '42',
      data: { a: 1 },
    });
  });
});
