import type { TransactionRepositories, UnitOfWork } from '../../../domain/ports/output/unit-of-work.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { DrizzleAuditTrail } from './drizzle-audit-trail.js';
import { DrizzleBackfillRepository } from './drizzle-backfill-repository.js';
import { DrizzleExecutionHistory } from './drizzle-execution-history.js';
import { DrizzleExecutionRepository } from './drizzle-execution-repository.js';
import { DrizzleJobRepository } from './drizzle-job-repository.js';
import { DrizzleSavepointRepository } from './drizzle-savepoint-repository.js';
import { DrizzleJobVersionRepository } from './drizzle-job-version-repository.js';
import { DrizzleScheduleRepository } from './drizzle-schedule-repository.js';
import { DrizzleUpgradeRepository } from './drizzle-upgrade-repository.js';
import { DrizzleDeliveryLog, DrizzleWebhookRepository } from './drizzle-webhook-repository.js';
import { DrizzleEventOutbox } from './event-outbox.js';
import type { LeaseTerms } from './execution-leases.js';

/** One database transaction, with repositories bound to it (a repository's own transactions become savepoints). */
export class DrizzleUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: AppDatabase,
    private readonly leaseTerms: LeaseTerms,
  ) {}

  transaction<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T> {
    return withStorageErrors(() =>
      this.db.transaction((tx) =>
        work({
          jobs: new DrizzleJobRepository(tx),
          versions: new DrizzleJobVersionRepository(tx),
          executions: new DrizzleExecutionRepository(tx, this.leaseTerms),
          history: new DrizzleExecutionHistory(tx),
          schedules: new DrizzleScheduleRepository(tx, this.leaseTerms),
          audit: new DrizzleAuditTrail(tx),
          events: new DrizzleEventOutbox(tx),
          webhooks: new DrizzleWebhookRepository(tx),
          deliveries: new DrizzleDeliveryLog(tx),
          backfills: new DrizzleBackfillRepository(tx, this.leaseTerms),
          savepoints: new DrizzleSavepointRepository(tx),
          upgrades: new DrizzleUpgradeRepository(tx),
        }),
      ),
    );
  }
}
