import { describe, expect, it } from 'vitest';
import { jarFileName } from '../../adapters/output/flink/flink-jar-upload.js';
import { jarProgramBody, jarRunBody } from '../../adapters/output/flink/flink-run-request.js';
import { jobStateOf } from '../../adapters/output/flink/flink-states.js';
import { FlinkError } from '../../domain/errors.js';
import type { RunRequest } from '../../domain/ports/output/flink-cluster.js';

const plain: RunRequest = {
  jarId: 'a1b2_job.jar',
  entryClass: 'com.example.Main',
  programArgs: ['--mode', 'bounded', 'two words'],
  parallelism: null,
  flinkConfiguration: {},
  jobId: '0123456789abcdef0123456789abcdef',
  restore: null,
};

describe('the plan request body', () => {
  it.each(['1.20.5', '2.3.0'])('says how main() is called, as a run would, without a job id or a restore (Flink %s)', (version) => {
    const request = { ...plain, parallelism: 3, flinkConfiguration: { 'pipeline.max-parallelism': '64' } };
    expect(jarProgramBody(request, version)).toEqual({
      entryClass: 'com.example.Main',
      programArgsList: ['--mode', 'bounded', 'two words'],
      parallelism: 3,
      flinkConfiguration: { 'pipeline.max-parallelism': '64' },
    });
    expect(jarProgramBody(plain, version)).toEqual({ entryClass: 'com.example.Main', programArgsList: ['--mode', 'bounded', 'two words'] });
  });

  it('refuses flinkConfiguration to a cluster that would drop it', () => {
    expect(() => jarProgramBody({ ...plain, flinkConfiguration: { a: 'b' } }, '1.16.3')).toThrow(/needs 1\.17 or later/);
  });
});

describe('the run request body', () => {
  it.each(['1.20.5', '2.3.0'])('sends only what is set, arguments as a list (Flink %s)', (version) => {
    expect(jarRunBody(plain, version)).toEqual({
      entryClass: 'com.example.Main',
      programArgsList: ['--mode', 'bounded', 'two words'],
      jobId: '0123456789abcdef0123456789abcdef',
    });
  });

  it.each(['1.20.5', '2.3.0'])('carries parallelism, configuration and the savepoint to restore (Flink %s)', (version) => {
    const request: RunRequest = {
      ...plain,
      parallelism: 3,
      flinkConfiguration: { 'pipeline.max-parallelism': '64' },
      restore: { savepointPath: 'file:/savepoints/savepoint-1', allowNonRestoredState: true },
    };
    expect(jarRunBody(request, version)).toEqual({
      entryClass: 'com.example.Main',
      programArgsList: ['--mode', 'bounded', 'two words'],
      jobId: '0123456789abcdef0123456789abcdef',
      parallelism: 3,
      flinkConfiguration: { 'pipeline.max-parallelism': '64' },
      savepointPath: 'file:/savepoints/savepoint-1',
      allowNonRestoredState: true,
      claimMode: 'NO_CLAIM',
    });
  });

  it.each(['1.20.5', '2.3.0'])('sends the claim mode as claimMode, never the removed restoreMode (Flink %s)', (version) => {
    const restore = { savepointPath: 'file:/checkpoints/abc/chk-7', allowNonRestoredState: false };
    const claimed = jarRunBody({ ...plain, restore: { ...restore, claimMode: 'CLAIM' } }, version);
    expect(claimed).toMatchObject({ savepointPath: 'file:/checkpoints/abc/chk-7', claimMode: 'CLAIM' });
    expect(claimed).not.toHaveProperty('restoreMode');
    expect(jarRunBody({ ...plain, restore }, version)).toMatchObject({ claimMode: 'NO_CLAIM' });
    expect(jarRunBody(plain, version)).not.toHaveProperty('claimMode');
  });

  it('sends restoreMode to 1.15-1.19, and refuses CLAIM where neither exists', () => {
    const restore = { savepointPath: 'file:/sp', allowNonRestoredState: false, claimMode: 'CLAIM' as const };
    const body = jarRunBody({ ...plain, restore }, '1.18.1');
    expect(body).toMatchObject({ restoreMode: 'CLAIM' });
    expect(body).not.toHaveProperty('claimMode');
    expect(() => jarRunBody({ ...plain, restore }, '1.14.6')).toThrow(/cannot claim/);
    expect(jarRunBody({ ...plain, restore: { ...restore, claimMode: 'NO_CLAIM' } }, '1.14.6')).not.toHaveProperty('restoreMode');
  });

  it('refuses flinkConfiguration for a cluster that would drop it, naming the version', () => {
    const request = { ...plain, flinkConfiguration: { 'pipeline.max-parallelism': '64' } };
    const attempt = () => jarRunBody(request, '1.16.3');
    expect(attempt).toThrow(FlinkError);
    expect(attempt).toThrow(/Flink 1\.16\.3 does not accept flinkConfiguration/);
    expect(jarRunBody(plain, '1.16.3')).not.toHaveProperty('flinkConfiguration');
    expect(jarRunBody(request, '1.17.0').flinkConfiguration).toEqual(request.flinkConfiguration);
    expect(jarRunBody(request, 'custom-build').flinkConfiguration).toEqual(request.flinkConfiguration);
  });
});

describe('Flink job states', () => {
  it.each([
    ['RUNNING', { kind: 'running' }],
    ['FINISHED', { kind: 'finished' }],
    ['FAILED', { kind: 'failed' }],
    ['CANCELED', { kind: 'canceled' }],
    ['INITIALIZING', { kind: 'transient', state: 'INITIALIZING' }],
    ['CREATED', { kind: 'transient', state: 'CREATED' }],
    ['RESTARTING', { kind: 'transient', state: 'RESTARTING' }],
    ['CANCELLING', { kind: 'transient', state: 'CANCELLING' }],
    ['FAILING', { kind: 'transient', state: 'FAILING' }],
    ['SUSPENDED', { kind: 'transient', state: 'SUSPENDED' }],
    ['RECONCILING', { kind: 'transient', state: 'RECONCILING' }],
  ])('%s', (state, expected) => {
    expect(jobStateOf(state)).toEqual(expected);
  });
});

describe('the uploaded file name', () => {
  it.each([
    ['nightly-report.jar', 'nightly-report.jar'],
    ['nightly report', 'nightly-report.jar'],
    ['../etc/passwd', 'etc-passwd.jar'],
    ['Sales "EU" v2.JAR', 'Sales-EU-v2.jar'],
    ['', 'job.jar'],
  ])('%j becomes %j', (name, expected) => {
    expect(jarFileName(name)).toBe(expected);
  });
});
