import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { jobExecutions } from '../../adapters/output/repository/schema.js';
import { newExecution, type Execution } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
const base = new Date('2026-03-01T00:00:00.000Z');
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);

// Several connections at once: PGlite has one session, so this is PostgreSQL's alone.
const onPostgres = backends.find((backend) => backend.name === 'postgres')!;
describe.skipIf(onPostgres.skipReason)('lease renewal beside other writers, on postgres', () => {
  let database: OpenedDatabase;
  beforeAll(async () => {
    database = await onPostgres.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('renews every lease of an instance with one heartbeat, never waiting for a run being saved; takes over once it stops', async () => {
    const clock = new FixedClock(at(0));
    const first = new DrizzleExecutionRepository(database.db, { owner: 'first', ttlMs: 6000, clock });
    const second = new DrizzleExecutionRepository(database.db, { owner: 'second', ttlMs: 6000, clock });
    const jobsRepository = new DrizzleJobRepository(database.db);
    const runs: Execution[] = [];
    for (const name of ['locked-job', 'free-job']) {
      const owner = createJob(aJobDefinition({ name }), newId(), base);
      await jobsRepository.insert(owner);
      const run = newExecution({ id: newId(), jobId: owner.id, trigger: 'manual', now: at(0) });
      await first.insert(run, { exclusive: true });
      runs.push(run);
    }
    const [locked, free] = runs as [Execution, Execution];
    const ids = (executions: { id: string }[]) => executions.map((execution) => execution.id).sort();
    const lockedWhile = <T>(work: () => Promise<T>) =>
      database.db.transaction(async (tx) => {
        await tx.select({ id: jobExecutions.id }).from(jobExecutions).where(eq(jobExecutions.id, locked.id)).for('update');
        // On the pool's other connections, while this transaction holds the row: a statement that waited would never end.
        return work();
      });

    clock.advance(2000);
    const { held } = await lockedWhile(() => first.renewLeases(10));
    expect(ids(held)).toEqual(ids(runs));
    const leases = await database.db.select({ until: jobExecutions.leaseUntil }).from(jobExecutions);
    expect(leases.map((row) => row.until), 'no run row is written to renew it').toEqual([at(6), at(6)]);

    clock.advance(5000); // 7 s: the runs' own leases are past, the heartbeat of 2 s holds until 8 s
    expect((await second.renewLeases(10)).takenOver).toEqual([]);
    await first.renewLeases(10); // until 13 s
    clock.advance(5000);
    expect((await second.renewLeases(10)).takenOver).toEqual([]);

    clock.advance(1001); // the first instance died after its heartbeat at 7 s
    const taken = await lockedWhile(() => second.renewLeases(10));
    expect(ids(taken.takenOver), 'a run being saved is skipped, not waited for').toEqual([free.id]);
    expect(ids((await second.renewLeases(10)).takenOver)).toEqual([locked.id]);
    expect((await first.renewLeases(10)).held, 'a late first instance finds them gone').toEqual([]);
  });
});
