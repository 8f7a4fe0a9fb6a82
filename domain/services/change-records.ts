import type { Job } from '../entities/job.js';
import { auditEventOf, type AuditContext } from '../entities/audit.js';
import type { NewEvent } from '../entities/event.js';
import type { Clock } from '../ports/output/clock.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { TransactionRepositories, UnitOfWork } from '../ports/output/unit-of-work.js';

/** What a change did, for its audit row. */
export interface ChangeRecord {
  resourceId: string;
  /** The job's version before and after the change; null where there was none. */
  versionBefore: number | null;
  versionAfter: number | null;
  /** What the change reports to subscribers: written in the same transaction. */
  events?: NewEvent[];
}

/**
 * Changes made on behalf of a request, each in one transaction with its audit row and its events: they commit with
 * the change or not at all. A change that throws writes nothing (the HTTP adapter records the refusal on its own).
 */
export class AuditedChanges {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** `record` says what `change` did from its result; undefined when it did nothing (then no row either). */
  run<T>(
    audit: AuditContext,
    change: (repositories: TransactionRepositories) => Promise<T>,
    record: (result: T) => ChangeRecord | undefined,
  ): Promise<T> {
    return this.unitOfWork.transaction(async (repositories) => {
      const result = await change(repositories);
      const done = record(result);
      if (done) {
        const { events, ...change } = done;
        const stamps = { id: this.ids.newId(), at: this.clock.now() };
        await repositories.audit.record(auditEventOf(audit, { ...change, ...stamps }));
        if (events?.length) await repositories.events.append(events);
      }
      return result;
    });
  }

  /** A change to what belongs to a job (its executions, its schedule) that leaves the job at its version. */
  aboutJob<T>(
    audit: AuditContext,
    job: Job,
    change: (repositories: TransactionRepositories) => Promise<T>,
    events: NewEvent[] = [],
  ): Promise<T> {
    return this.run(audit, change, () => ({ resourceId: job.id, versionBefore: job.version, versionAfter: job.version, events }));
  }
}
