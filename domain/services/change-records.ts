import type { Job } from '../entities/job.js';
import { auditEventOf, type AuditContext, type AuditEvent } from '../entities/audit.js';
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
        await repositories.audit.record(this.rowOf(audit, change));
        if (events?.length) await repositories.events.append(events);
      }
      return result;
    });
  }

  /**
   * A change that one write stores together with its audit row, atomic by itself, so no transaction is opened:
   * `write` is handed the row, and stores neither when it throws. (`record`'s events are the write's own business.)
   */
  inOneWrite<T>(audit: AuditContext, record: Omit<ChangeRecord, 'events'>, write: (row: AuditEvent) => Promise<T>): Promise<T> {
    return write(this.rowOf(audit, record));
  }

  /** `inOneWrite` for a change to what belongs to a job that leaves the job at its version. */
  aboutJobInOneWrite<T>(audit: AuditContext, job: Job, write: (row: AuditEvent) => Promise<T>): Promise<T> {
    return this.inOneWrite(audit, { resourceId: job.id, versionBefore: job.version, versionAfter: job.version }, write);
  }

  private rowOf(audit: AuditContext, change: Omit<ChangeRecord, 'events'>): AuditEvent {
    return auditEventOf(audit, { ...change, id: this.ids.newId(), at: this.clock.now() });
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
