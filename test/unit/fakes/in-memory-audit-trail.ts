import type { AuditEvent } from '../../../domain/entities/audit.js';
import type { AuditQuery, AuditTrail } from '../../../domain/ports/output/audit-trail.js';
import { InMemoryEventOutbox } from './in-memory-event-outbox.js';
import { InMemorySavepointRepository } from './in-memory-savepoint-repository.js';
import { InMemoryJobVersionRepository } from './in-memory-job-version-repository.js';
import { InMemoryUpgradeRepository } from './in-memory-upgrade-repository.js';
import type { TransactionRepositories, UnitOfWork } from '../../../domain/ports/output/unit-of-work.js';

/** The AuditTrail contract in memory, for domain tests. */
export class InMemoryAuditTrail implements AuditTrail {
  readonly events: AuditEvent[] = [];

  async record(event: AuditEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    return this.events
      .filter((event) => query.actor === undefined || event.actor === query.actor)
      .filter((event) => query.action === undefined || event.action === query.action)
      .filter((event) => query.resourceId === undefined || event.resourceId === query.resourceId)
      .filter((event) => !query.since || event.at >= query.since)
      .filter((event) => !query.until || event.at < query.until)
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id))
      .filter((event) => !query.after || event.at < query.after.at || (+event.at === +query.after.at && event.id < query.after.id))
      .slice(0, query.limit);
  }

  async removeOlderThan(before: Date, limit: number): Promise<number> {
    const old = this.events.filter((event) => event.at < before).slice(0, limit);
    for (const event of old) this.events.splice(this.events.indexOf(event), 1);
    return old.length;
  }
}

/**
 * Transactions over the in-memory repositories: the work runs on them directly. Nothing is rolled back; the
 * integration suites check atomicity against the real databases.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  constructor(private readonly repositories: TransactionRepositories) {}

  transaction<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T> {
    return work(this.repositories);
  }
}

/** A unit of work over the given in-memory repositories, with a fresh audit trail and outbox to look at. */
export function inMemoryUnitOfWork(
  repositories: Omit<TransactionRepositories, 'audit' | 'events' | 'webhooks' | 'deliveries' | 'history' | 'backfills' | 'savepoints' | 'versions' | 'upgrades'> &
    Partial<Pick<TransactionRepositories, 'webhooks' | 'deliveries' | 'history' | 'backfills' | 'savepoints' | 'versions' | 'upgrades'>>,
) {
  const trail = new InMemoryAuditTrail();
  const outbox = new InMemoryEventOutbox();
  const unitOfWork = new InMemoryUnitOfWork({
    webhooks: notInThisTest('webhooks'),
    deliveries: notInThisTest('deliveries'),
    history: notInThisTest('history'),
    backfills: notInThisTest('backfills'),
    savepoints: new InMemorySavepointRepository(),
    versions: new InMemoryJobVersionRepository(),
    upgrades: new InMemoryUpgradeRepository(),
    ...repositories,
    audit: trail,
    events: outbox,
  });
  return { trail, outbox, unitOfWork };
}

/** A repository the test under way has no use for: any call fails it loudly. */
function notInThisTest<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} was called, but this test gave no ${name} repository`);
    },
  });
}
