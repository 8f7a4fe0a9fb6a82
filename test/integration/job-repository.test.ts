import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { jobs } from '../../adapters/output/repository/schema.js';
import { createJob, replaceJob, type Job } from '../../domain/entities/job.js';
import { JobNameTakenError, StorageUnavailableError } from '../../domain/errors.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
let idCounter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;
const at = new Date('2026-03-01T12:00:00.000Z');

function aJob(overrides: Parameters<typeof aJobDefinition>[0] = {}): Job {
  return createJob(aJobDefinition(overrides), newId(), at);
}

describe.each(backends)('DrizzleJobRepository on $name', (backend) => {
  let database: OpenedDatabase;
  let repository: DrizzleJobRepository;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    repository = new DrizzleJobRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(jobs);
  });

  it('stores every field and reads it back unchanged', async () => {
    const job = aJob({
      name: 'full',
      description: 'all fields',
      config: { b: 2, a: 'x', on: true },
      args: ['--x', 'y z'],
      parallelism: 8,
      flinkConfiguration: { 'state.savepoints.dir': 'file:///tmp/sp' },
      jarSha256: 'a'.repeat(64),
      timeoutSeconds: 3600,
      labels: { team: 'data', tier: 'gold' },
    });
    await repository.insert(job);
    expect(await repository.findById(job.id)).toEqual(job);
  });

  it('returns undefined for an id it does not hold', async () => {
    expect(await repository.findById(newId())).toBeUndefined();
  });

  it('reads many live jobs at once, whole, leaving out deleted and unknown ones', async () => {
    const [first, second, deleted] = [aJob({ name: 'm1', labels: { a: 'b' } }), aJob({ name: 'm2', args: ['x'] }), aJob({ name: 'm3' })];
    for (const job of [first, second, deleted]) await repository.insert(job);
    await repository.remove(deleted.id, at);
    const found = await repository.findMany([second.id, deleted.id, newId(), first.id]);
    expect([...found.keys()].sort()).toEqual([first.id, second.id].sort());
    expect(found.get(first.id)).toEqual(first);
    expect(found.get(second.id)).toEqual(second);
    expect(await repository.findMany([])).toEqual(new Map());
  });

  it('refuses a second live job with the same name', async () => {
    await repository.insert(aJob({ name: 'dup' }));
    await expect(repository.insert(aJob({ name: 'dup' }))).rejects.toBeInstanceOf(JobNameTakenError);
  });

  it('lets exactly one of many concurrent creates with one name win', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => repository.insert(aJob({ name: 'race' }))));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const failed of attempts.filter((a) => a.status === 'rejected')) {
      expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(JobNameTakenError);
    }
  });

  it('orders by name in byte order, then id, the same on every backend', async () => {
    for (const name of ['beta', 'Zulu', 'alpha', 'Alpha', 'a_b', 'a-b', 'a.b']) await repository.insert(aJob({ name }));
    const names = (await repository.list({ limit: 50 })).map((job) => job.name);
    expect(names).toEqual(['Alpha', 'Zulu', 'a-b', 'a.b', 'a_b', 'alpha', 'beta']);
  });

  it('continues after a cursor and stays stable while rows are inserted before and after it', async () => {
    for (const name of ['b', 'd', 'f', 'h']) await repository.insert(aJob({ name }));
    const firstPage = await repository.list({ limit: 2 });
    expect(firstPage.map((job) => job.name)).toEqual(['b', 'd']);
    const last = firstPage[1]!;
    await repository.insert(aJob({ name: 'a' }));
    await repository.insert(aJob({ name: 'e' }));
    const rest = await repository.list({ limit: 10, after: { name: last.name, id: last.id } });
    expect(rest.map((job) => job.name)).toEqual(['e', 'f', 'h']);
  });

  it('filters by every given label and by name prefix, with _ and % taken literally', async () => {
    await repository.insert(aJob({ name: 'etl_daily', labels: { team: 'data', tier: 'gold' } }));
    await repository.insert(aJob({ name: 'etlXdaily', labels: { team: 'data' } }));
    await repository.insert(aJob({ name: 'report', labels: { team: 'bi', tier: 'gold' } }));
    const byLabels = await repository.list({ limit: 10, labels: { team: 'data', tier: 'gold' } });
    expect(byLabels.map((job) => job.name)).toEqual(['etl_daily']);
    const byTeam = await repository.list({ limit: 10, labels: { team: 'data' } });
    expect(byTeam.map((job) => job.name)).toEqual(['etlXdaily', 'etl_daily']);
    const byPrefix = await repository.list({ limit: 10, namePrefix: 'etl_' });
    expect(byPrefix.map((job) => job.name)).toEqual(['etl_daily']);
    expect(await repository.list({ limit: 10, namePrefix: '%' })).toEqual([]);
  });

  it('updates a job with what the change makes of the stored one; a change that throws writes nothing', async () => {
    const job = aJob({ name: 'v' });
    await repository.insert(job);
    const later = new Date(at.getTime() + 1000);
    const v2 = await repository.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: 'v', description: 'second' }), later));
    expect(v2).toMatchObject({ version: 2, description: 'second', createdAt: at, updatedAt: later });
    expect(await repository.findById(job.id)).toEqual(v2);
    const refused = repository.update(job.id, () => {
      throw new Error('refused');
    });
    await expect(refused).rejects.toThrow('refused');
    expect(await repository.findById(job.id)).toEqual(v2);
  });

  it('queues concurrent updates of one job: each sees what the one before it wrote', async () => {
    const job = aJob({ name: 'contended' });
    await repository.insert(job);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, () =>
        repository.update(job.id, (current) => {
          seen.push(current.version);
          return replaceJob(current, aJobDefinition({ name: 'contended' }), at);
        }),
      ),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await repository.findById(job.id))?.version).toBe(21);
  });

  it('refuses an update that takes another live job’s name', async () => {
    const first = aJob({ name: 'first' });
    const second = aJob({ name: 'second' });
    await repository.insert(first);
    await repository.insert(second);
    const clash = repository.update(second.id, (current) => replaceJob(current, aJobDefinition({ name: 'first' }), at));
    await expect(clash).rejects.toBeInstanceOf(JobNameTakenError);
    expect((await repository.findById(second.id))?.name).toBe('second');
  });

  it('removes a job from reads and lists but keeps its row, and frees its name', async () => {
    const job = aJob({ name: 'gone' });
    await repository.insert(job);
    expect(await repository.remove(job.id, at)).toBe(true);
    expect(await repository.remove(job.id, at)).toBe(false);
    expect(await repository.findById(job.id)).toBeUndefined();
    expect(await repository.list({ limit: 10 })).toEqual([]);
    const [kept] = await database.db.select().from(jobs).where(sql`${jobs.id} = ${job.id}`);
    expect(kept?.deletedAt).toEqual(at);
    expect(await repository.everExisted(job.id)).toBe(true);
    expect(await repository.everExisted('00000000-0000-4000-8000-999999999999')).toBe(false);
    expect(await repository.update(job.id, (current) => replaceJob(current, aJobDefinition({ name: 'gone' }), at))).toBeUndefined();
    await expect(repository.insert(aJob({ name: 'gone' }))).resolves.toBeUndefined();
  });
});

describe('DrizzleJobRepository when PostgreSQL is unreachable', () => {
  it('reports StorageUnavailableError, keeping the connection error as cause', async () => {
    const client = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
    const repository = new DrizzleJobRepository(drizzle({ client }));
    const failure = await repository.findById(newId()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).cause).toBeDefined();
    await client.end({ timeout: 1 });
  });
});
