import { and, asc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Execution } from '../../../domain/entities/execution.js';
import type { Clock } from '../../../domain/ports/output/clock.js';
import type { AppDatabase } from './database.js';
import { activeExecution, toExecution } from './execution-rows.js';
import { jobExecutions, type ExecutionRow } from './schema.js';

/**
 * Leases: each active execution is driven by one instance at a time. The terms say who this instance is among the
 * service's replicas, and how long its hold on an execution lasts unrenewed.
 */
export interface LeaseTerms {
  owner: string;
  ttlMs: number;
  clock: Clock;
}

/** The lease columns of an execution this instance takes now. */
export function leaseColumns(terms: LeaseTerms): { leaseOwner: string; leaseUntil: Date } {
  return { leaseOwner: terms.owner, leaseUntil: new Date(terms.clock.now().getTime() + terms.ttlMs) };
}

/** Extends this instance's leases on its active executions. Resolves with those executions, oldest first. */
export async function renewHeldLeases(db: Pick<AppDatabase, 'update'>, terms: LeaseTerms): Promise<Execution[]> {
  const { leaseOwner, leaseUntil } = leaseColumns(terms);
  const rows = await db
    .update(jobExecutions)
    .set({ leaseUntil })
    .where(and(eq(jobExecutions.leaseOwner, leaseOwner), activeExecution))
    .returning();
  return oldestFirst(rows);
}

/**
 * Takes over up to `limit` active executions whose lease ran out (their instance died, or let go), oldest first.
 * Rows another instance is taking over right now are skipped, not waited for. Resolves with them, oldest first.
 */
export async function takeOverExpiredLeases(
  db: Pick<AppDatabase, 'select' | 'update'>,
  terms: LeaseTerms,
  limit: number,
): Promise<Execution[]> {
  const now = terms.clock.now();
  const expired = db
    .select({ id: jobExecutions.id })
    .from(jobExecutions)
    .where(and(activeExecution, or(isNull(jobExecutions.leaseUntil), lt(jobExecutions.leaseUntil, now))))
    .orderBy(asc(jobExecutions.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(jobExecutions)
    .set(leaseColumns(terms))
    .where(and(inArray(jobExecutions.id, expired), activeExecution))
    .returning();
  return oldestFirst(rows);
}

/** Lets go of this instance's leases (at shutdown), so that another instance takes its executions over at once. */
export async function releaseHeldLeases(db: Pick<AppDatabase, 'update'>, terms: LeaseTerms): Promise<void> {
  await db
    .update(jobExecutions)
    .set({ leaseUntil: null })
    .where(and(eq(jobExecutions.leaseOwner, terms.owner), activeExecution));
}

function oldestFirst(rows: ExecutionRow[]): Execution[] {
  return rows.map(toExecution).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
