import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Execution } from '../../../domain/entities/execution.js';
import type { Clock } from '../../../domain/ports/output/clock.js';
import type { HeldExecution } from '../../../domain/ports/output/execution-repository.js';
import type { AppDatabase } from './database.js';
import { activeExecution, toExecution } from './execution-rows.js';
import { ACTIVE, executionInstances, jobExecutions } from './schema.js';

/**
 * Leases: each active execution is driven by one instance at a time. The terms say who this instance is among the
 * service's replicas, and how long its hold on an execution lasts unrenewed.
 *
 * An instance renews its hold on all of its executions at once, with its heartbeat: one row of its own in
 * `execution_instances`, whatever the number of runs it drives (renewing each run's row was a write per run per
 * round, and held the rows' locks against their own saves). A run's own `lease_until` covers it from the write that
 * gives it to an instance until that instance's next heartbeat. A run is free to take over once both are past.
 */
export interface LeaseTerms {
  owner: string;
  ttlMs: number;
  clock: Clock;
}

/** How long the row of an instance that stopped renewing is kept, for the runs that still name it. */
const FORGET_INSTANCES_AFTER = '1 day';

/** The lease columns of an execution this instance takes now. */
export function leaseColumns(terms: LeaseTerms): { leaseOwner: string; leaseUntil: Date } {
  return { leaseOwner: terms.owner, leaseUntil: new Date(terms.clock.now().getTime() + terms.ttlMs) };
}

/**
 * Renews this instance's heartbeat, and with it the leases on its active executions; resolves with those, oldest
 * first, as the lease round needs them (not whole: an instance behind on its launches may hold tens of thousands).
 */
export async function renewHeldLeases(db: Pick<AppDatabase, 'select' | 'insert'>, terms: LeaseTerms): Promise<HeldExecution[]> {
  const { leaseOwner: owner, leaseUntil: aliveUntil } = leaseColumns(terms);
  await db
    .insert(executionInstances)
    .values({ owner, aliveUntil })
    .onConflictDoUpdate({ target: executionInstances.owner, set: { aliveUntil } });
  const e = jobExecutions;
  const rows = await db
    .select({
      id: e.id,
      status: e.status,
      createdAt: e.createdAt,
      mayBeOnFlink: sql<boolean>`${e.history} @> '[{"status": "SUBMITTING"}]'::jsonb`,
    })
    .from(e)
    // The status list written out (ACTIVE), not as parameters: a prepared statement's generic plan can then use the
    // partial index by owner.
    .where(and(eq(e.leaseOwner, owner), ACTIVE))
    .orderBy(asc(e.createdAt));
  return rows as HeldExecution[];
}

/**
 * Takes over up to `limit` active executions whose lease ran out (their instance died, or let go), oldest first.
 * Rows another instance is taking over right now are skipped, not waited for. Resolves with them, oldest first.
 */
export async function takeOverExpiredLeases(
  db: Pick<AppDatabase, 'select' | 'update' | 'delete'>,
  terms: LeaseTerms,
  limit: number,
): Promise<Execution[]> {
  const now = terms.clock.now();
  const ownerAlive = sql`exists (select 1 from ${executionInstances} where ${executionInstances.owner} = ${jobExecutions.leaseOwner}
    and ${executionInstances.aliveUntil} >= ${now.toISOString()}::timestamptz)`;
  const expired = db
    .select({ id: jobExecutions.id })
    .from(jobExecutions)
    .where(and(ACTIVE, or(isNull(jobExecutions.leaseUntil), lt(jobExecutions.leaseUntil, now)), sql`not ${ownerAlive}`))
    .orderBy(asc(jobExecutions.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(jobExecutions)
    .set(leaseColumns(terms))
    .where(and(inArray(jobExecutions.id, expired), activeExecution))
    .returning();
  await db.delete(executionInstances).where(sql`${executionInstances.aliveUntil} < ${now.toISOString()}::timestamptz - interval '${sql.raw(FORGET_INSTANCES_AFTER)}'`);
  return oldestFirst(rows.map(toExecution));
}

/** Lets go of this instance's leases (at shutdown), so that another instance takes its executions over at once. */
export async function releaseHeldLeases(db: Pick<AppDatabase, 'update' | 'delete'>, terms: LeaseTerms): Promise<void> {
  await db
    .update(jobExecutions)
    .set({ leaseUntil: null })
    .where(and(eq(jobExecutions.leaseOwner, terms.owner), activeExecution));
  await db.delete(executionInstances).where(eq(executionInstances.owner, terms.owner));
}

function oldestFirst<T extends { createdAt: Date }>(executions: T[]): T[] {
  return executions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
