import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleSavepointRepository } from '../../adapters/output/repository/drizzle-savepoint-repository.js';
import { savepoints } from '../../adapters/output/repository/savepoint-tables.js';
import { newExecution } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import type { Savepoint } from '../../domain/entities/savepoint.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
let idCounter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;
const at = new Date('2026-03-01T12:00:00.000Z');
const minutes = (count: number) => new Date(at.getTime() + count * 60_000);

describe.each(backends)('DrizzleSavepointRepository on $name', (backend) => {
  let database: OpenedDatabase;
  let repository: DrizzleSavepointRepository;
  const jobId = newId();
  const executionId = newId();

  const aSavepoint = (values: Partial<Savepoint> = {}): Savepoint => ({
    id: newId(), jobId, executionId, jobVersion: 1, path: null, origin: 'MANUAL', status: 'PENDING',
    triggerId: null, dueAt: null, createdAt: at, completedAt: null, error: null, ...values,
  });

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    repository = new DrizzleSavepointRepository(database.db);
    await new DrizzleJobRepository(database.db).insert(createJob(aJobDefinition({ name: `sp-${backend.name}` }), jobId, at));
    const leaseTerms = { owner: 'test', ttlMs: 60_000, clock: { now: () => at } };
    await new DrizzleExecutionRepository(database.db, leaseTerms).insert(newExecution({ id: executionId, jobId, trigger: 'manual', now: at }), {
      exclusive: true,
    });
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(savepoints);
  });

  it('stores every field and reads it back unchanged', async () => {
    const savepoint = aSavepoint({ origin: 'PERIODIC', triggerId: 'abc', dueAt: minutes(5), path: 'file:/sp/x' });
    await repository.insert(savepoint);
    expect(await repository.findById(savepoint.id)).toEqual(savepoint);
  });

  it('lists a job newest first, page by page, without a gap or a repeat at equal instants', async () => {
    const stored = [aSavepoint({ createdAt: minutes(1) }), aSavepoint({ createdAt: minutes(2) }), aSavepoint({ createdAt: minutes(2) }), aSavepoint({ createdAt: minutes(3) })];
    for (const savepoint of stored) await repository.insert(savepoint);
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (let page = 0; page < 3; page++) {
      const rows = await repository.listForJob(jobId, { limit: 2, after });
      seen.push(...rows.map((row) => row.id));
      const last = rows.at(-1);
      after = last && { createdAt: last.createdAt, id: last.id };
    }
    const [first, second, third, fourth] = stored;
    // At equal instants the higher id comes first.
    expect(seen).toEqual([fourth!.id, ...[second!.id, third!.id].sort().reverse(), first!.id]);
  });

  it('settles only from the status expected', async () => {
    const savepoint = aSavepoint();
    await repository.insert(savepoint);
    const later = aSavepoint({ createdAt: minutes(5), triggerId: 'later' });
    await repository.insert(later);
    expect(await repository.findPendingForExecution(executionId)).toEqual([savepoint, later]);
    await repository.settle(later.id, 'PENDING', { status: 'FAILED', error: 'gone' });
    const done = await repository.settle(savepoint.id, 'PENDING', { status: 'COMPLETED', path: 'file:/sp/y', completedAt: minutes(1) });
    expect(done).toMatchObject({ status: 'COMPLETED', path: 'file:/sp/y' });
    expect(await repository.settle(savepoint.id, 'PENDING', { status: 'FAILED', error: 'late' })).toBeUndefined();
    expect(await repository.findCompletedForJob(jobId)).toHaveLength(1);
    expect(await repository.findPendingForExecution(executionId)).toEqual([]);
  });

  it('lets exactly one of two claimers store a periodic savepoint for a due time', async () => {
    const other = new DrizzleSavepointRepository(database.db);
    const due = minutes(60);
    const claims = await Promise.all([
      repository.claimPeriodic(aSavepoint({ origin: 'PERIODIC', dueAt: due })),
      other.claimPeriodic(aSavepoint({ origin: 'PERIODIC', dueAt: due })),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await repository.listForJob(jobId, { limit: 10 })).toHaveLength(1);
    expect((await repository.latestPeriodicDue(jobId))?.toISOString()).toBe(due.toISOString());
    // The next due time is a claim of its own; manual savepoints (no due time) are never in the way.
    expect(await other.claimPeriodic(aSavepoint({ origin: 'PERIODIC', dueAt: minutes(120) }))).toBe(true);
    await repository.insert(aSavepoint());
    await repository.insert(aSavepoint());
    expect(await repository.listForJob(jobId, { limit: 10 })).toHaveLength(4);
  });
});
