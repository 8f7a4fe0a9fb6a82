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

  it('answers from the last probe without calling Flink or the database again', async () => {
    let overviews = 0;
    let checks = 0;
    const flink = { up: true };
    const health = new HealthService(
      { check: async () => (checks++, { reachable: true, migrated: true }) },
      {
        overview: async () => {
          overviews++;
          if (!flink.up) throw new Error('connection refused');
          return { version: '2.3.0', slotsAvailable: 3 };
        },
      },
      '1.2.3',
    );
    expect((await health.report()).flink.reachable, 'the first report waits for a probe').toBe(true);
    flink.up = false;
    for (let i = 0; i < 5; i++) expect((await health.report()).flink.reachable).toBe(true);
    expect({ overviews, checks }).toEqual({ overviews: 1, checks: 1 });

    await health.probe();
    expect(await health.report()).toMatchObject({ status: 'degraded', flink: { reachable: false } });
    expect(overviews).toBe(2);
  });

  it('shares a probe under way instead of starting another', async () => {
    let overviews = 0;
    let answer: (overview: { version: string; slotsAvailable: number }) => void = () => {};
    const health = new HealthService(
      status(true, true),
      { overview: () => (overviews++, new Promise((resolve) => (answer = resolve))) },
      '1.2.3',
    );
    const probes = [health.probe(), health.probe(), health.report()];
    await Promise.resolve();
    answer({ version: '1.20.5', slotsAvailable: 1 });
    const reports = await Promise.all(probes);
    expect(overviews).toBe(1);
    expect(reports.map((report) => report.flink.version)).toEqual(['1.20.5', '1.20.5', '1.20.5']);
  });
});
