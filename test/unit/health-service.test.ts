import { describe, expect, it } from 'vitest';
import { HealthService } from '../../domain/services/health-service.js';

const status = (reachable: boolean, migrated: boolean) => ({ check: async () => ({ reachable, migrated }) });
const flinkUp = { overview: async () => ({ version: '2.3.0', slotsAvailable: 3 }) };
const flinkDown = {
  overview: async (): Promise<never> => {
    throw new Error('connection refused');
  },
};

describe('HealthService', () => {
  it.each([
    { reachable: true, migrated: true, report: { status: 'ok', database: 'ok' }, ready: true },
    { reachable: true, migrated: false, report: { status: 'ok', database: 'ok' }, ready: false },
    { reachable: false, migrated: false, report: { status: 'degraded', database: 'error' }, ready: false },
  ])('database reachable=$reachable migrated=$migrated', async ({ reachable, migrated, report, ready }) => {
    const health = new HealthService(status(reachable, migrated), flinkUp, '1.2.3');
    expect(await health.report()).toEqual({
      ...report,
      flink: { reachable: true, version: '2.3.0', slotsAvailable: 3 },
      version: '1.2.3',
    });
    expect(await health.isReady()).toBe(ready);
  });

  it('is degraded but still ready when Flink cannot be reached', async () => {
    const health = new HealthService(status(true, true), flinkDown, '1.2.3');
    expect(await health.report()).toEqual({
      status: 'degraded',
      database: 'ok',
      flink: { reachable: false, version: null, slotsAvailable: null },
      version: '1.2.3',
    });
    expect(await health.isReady()).toBe(true);
  });
});
