import { describe, expect, it } from 'vitest';
import { createJob, programArguments, replaceJob, type JobDefinition } from '../../domain/entities/job.js';
import { aJobDefinition } from '../support/job-definitions.js';

describe('programArguments', () => {
  it.each<{ config: JobDefinition['config']; args: string[]; expected: string[] }>([
    { config: {}, args: [], expected: [] },
    { config: { b: 2, a: 'x' }, args: [], expected: ['--a', 'x', '--b', '2'] },
    { config: { flag: true, ratio: 0.5 }, args: ['--extra', 'y'], expected: ['--flag', 'true', '--ratio', '0.5', '--extra', 'y'] },
    { config: {}, args: ['positional'], expected: ['positional'] },
  ])('config $config and args $args give $expected', ({ config, args, expected }) => {
    expect(programArguments({ config, args })).toEqual(expected);
  });
});

describe('job versions', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2026-01-02T00:00:00Z');

  it('starts at version 1 with equal timestamps', () => {
    const job = createJob(aJobDefinition(), 'id-1', created);
    expect(job).toMatchObject({ id: 'id-1', version: 1, createdAt: created, updatedAt: created });
  });

  it('replacing keeps id and createdAt, takes the new definition, bumps the version', () => {
    const job = createJob(aJobDefinition({ name: 'before' }), 'id-1', created);
    const next = replaceJob(job, aJobDefinition({ name: 'after', parallelism: 4 }), later);
    expect(next).toMatchObject({ id: 'id-1', name: 'after', parallelism: 4, version: 2, createdAt: created, updatedAt: later });
  });
});
