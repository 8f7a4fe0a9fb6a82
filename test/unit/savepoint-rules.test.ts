import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import {
  periodicSavepointDue,
  savepointPolicyProblem,
  savepointsToDispose,
  type Savepoint,
  type SavepointPolicy,
} from '../../domain/entities/savepoint.js';

const cron = new CronerCalculator();
const cronProblem = (pattern: string, zone: string) => cron.problemWith(pattern, zone);
const now = new Date('2026-06-01T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);

function completed(id: string, ageHours: number): Savepoint {
  return {
    id, jobId: 'job', executionId: 'run', jobVersion: 1, path: `file:/sp/${id}`, origin: 'PERIODIC', status: 'COMPLETED',
    triggerId: `t-${id}`, dueAt: null, createdAt: hoursAgo(ageHours), completedAt: hoursAgo(ageHours), error: null,
  };
}

const policy = (values: Partial<SavepointPolicy>): SavepointPolicy => ({
  intervalSeconds: null, cron: null, maxCount: null, maxAgeSeconds: null, ...values,
});

describe('savepoint retention', () => {
  // a is the newest, e the oldest.
  const savepoints = [completed('c', 3), completed('a', 1), completed('e', 5), completed('b', 2), completed('d', 4)];
  const disposed = (limits: Partial<SavepointPolicy>, restored: string[] = []) =>
    savepointsToDispose(savepoints, policy(limits), now, new Set(restored.map((id) => `file:/sp/${id}`)))
      .map((savepoint) => savepoint.id)
      .sort();

  it.each([
    ['maxCount 3 keeps the three newest', { maxCount: 3 }, [], ['d', 'e']],
    ['maxCount 1 keeps the newest only', { maxCount: 1 }, [], ['b', 'c', 'd', 'e']],
    ['maxAgeSeconds of 2.5 h disposes of the older ones', { maxAgeSeconds: 9000 }, [], ['c', 'd', 'e']],
    ['both limits: either one disposes', { maxCount: 4, maxAgeSeconds: 3.5 * 3600 }, [], ['d', 'e']],
    ['no limits: nothing', {}, [], []],
    ['a run restored from d keeps it', { maxCount: 2 }, ['d'], ['c', 'e']],
  ] as const)('%s', (_name, limits, restored, expected) => {
    expect(disposed(limits, [...restored])).toEqual(expected);
  });

  it('never disposes of the newest completed savepoint, however old', () => {
    expect(disposed({ maxAgeSeconds: 60 })).toEqual(['b', 'c', 'd', 'e']);
  });

  it('counts only COMPLETED savepoints', () => {
    const others = [{ ...completed('x', 0), status: 'FAILED' as const }, { ...completed('y', 0), status: 'DISPOSED' as const }];
    const result = savepointsToDispose([...savepoints, ...others], policy({ maxCount: 1 }), now, new Set());
    expect(result.map((savepoint) => savepoint.id).sort()).toEqual(['b', 'c', 'd', 'e']);
  });
});

describe('savepoint policy validation', () => {
  it.each([
    ['neither cadence', {}, 'savepointPolicy', 'exactly one of intervalSeconds and cron'],
    ['both cadences', { intervalSeconds: 600, cron: '0 * * * *' }, 'savepointPolicy', 'exactly one'],
    ['an interval under a minute', { intervalSeconds: 59 }, 'savepointPolicy.intervalSeconds', 'from 60 to'],
    ['an interval over 31 days', { intervalSeconds: 31 * 24 * 3600 + 1 }, 'savepointPolicy.intervalSeconds', 'from 60 to'],
    ['a cron out of range', { cron: '0 61 * * * *' }, 'savepointPolicy.cron', "'0 61 * * * *' cannot be used"],
    ['a cron in prose', { cron: 'every hour' }, 'savepointPolicy.cron', "'every hour' cannot be used"],
    ['maxCount 0', { intervalSeconds: 600, maxCount: 0 }, 'savepointPolicy.maxCount', 'from 1 to 1000'],
    ['maxCount 1001', { intervalSeconds: 600, maxCount: 1001 }, 'savepointPolicy.maxCount', 'from 1 to 1000'],
    ['maxAgeSeconds under a minute', { intervalSeconds: 600, maxAgeSeconds: 10 }, 'savepointPolicy.maxAgeSeconds', 'from 60'],
  ] as const)('refuses %s, naming the field', (_name, values, field, reason) => {
    const problem = savepointPolicyProblem(policy(values), cronProblem);
    expect(problem?.field).toBe(field);
    expect(problem?.reason).toContain(reason);
  });

  it.each([
    ['an hourly interval with a count', { intervalSeconds: 3600, maxCount: 24 }],
    ['a cron with an age', { cron: '0 0 * * *', maxAgeSeconds: 7 * 24 * 3600 }],
  ] as const)('accepts %s', (_name, values) => {
    expect(savepointPolicyProblem(policy(values), cronProblem)).toBeUndefined();
  });
});

describe('when a periodic savepoint is due', () => {
  const since = new Date('2026-06-01T10:00:00.000Z');

  it.each([
    ['not before the first interval ends', { intervalSeconds: 3600 }, '2026-06-01T10:59:59.000Z', null],
    ['at the end of the interval', { intervalSeconds: 3600 }, '2026-06-01T11:00:00.000Z', '2026-06-01T11:00:00.000Z'],
    ['after an outage: once, at the latest due time', { intervalSeconds: 3600 }, '2026-06-01T13:30:00.000Z', '2026-06-01T13:00:00.000Z'],
    ['a cron: its latest tick', { cron: '*/15 * * * *' }, '2026-06-01T10:40:00.000Z', '2026-06-01T10:30:00.000Z'],
    ['a cron: none yet', { cron: '0 0 * * *' }, '2026-06-01T23:59:00.000Z', null],
  ] as const)('%s', (_name, values, at, expected) => {
    const due = periodicSavepointDue(policy(values), since, new Date(at), cron);
    expect(due?.toISOString() ?? null).toBe(expected);
  });
});
