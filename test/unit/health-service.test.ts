import { describe, expect, it } from 'vitest';
import { HealthService } from '../../domain/services/health-service.js';

const status = (reachable: boolean, migrated: boolean) => ({ check: async () => ({ reachable, migrated }) });

describe('HealthService', () => {
  it.each([
    { reachable: true, migrated: true, report: { status: 'ok', database: 'ok' }, ready: true },
    { reachable: true, migrated: false, report: { status: 'ok', database: 'ok' }, ready: false },
    { reachable: false, migrated: false, report: { status: 'degraded', database: 'error' }, ready: false },
  ])('database reachable=$reachable migrated=$migrated', async ({ reachable, migrated, report, ready }) => {
    const health = new HealthService(status(reachable, migrated), '1.2.3');
    expect(await health.report()).toEqual({ ...report, version: '1.2.3' });
    expect(await health.isReady()).toBe(ready);
  });
});
