import type { AuditTrail } from './audit-trail.js';
import type { BackfillRepository } from './backfill-repository.js';
import type { EventOutbox } from './event-outbox.js';
import type { ExecutionHistory } from './execution-history.js';
import type { ExecutionRepository } from './execution-repository.js';
import type { JobRepository } from './job-repository.js';
import type { SavepointRepository } from './savepoint-repository.js';
import type { JobVersionRepository } from './job-version-repository.js';
import type { ScheduleRepository } from './schedule-repository.js';
import type { UpgradeRepository } from './upgrade-repository.js';
import type { DeliveryLog, WebhookRepository } from './webhook-repository.js';

/** The repositories as one transaction sees them. */
export interface TransactionRepositories {
  jobs: JobRepository;
  versions: JobVersionRepository;
  executions: ExecutionRepository;
  history: ExecutionHistory;
  schedules: ScheduleRepository;
  audit: AuditTrail;
  events: Pick<EventOutbox, 'append'>;
  webhooks: WebhookRepository;
  deliveries: DeliveryLog;
  backfills: BackfillRepository;
  savepoints: SavepointRepository;
  upgrades: UpgradeRepository;
}

/** Several writes that commit together or not at all: a change, the audit row that records it, and its events. */
export interface UnitOfWork {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error goes on). */
  transaction<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T>;
}
