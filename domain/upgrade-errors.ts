import type { ExecutionStatus } from './entities/execution.js';
import { DomainError } from './errors.js';

// The errors of upgrades, beside the others in errors.ts; their codes map to HTTP statuses there too (problem.ts).

/** An upgrade needs the job's run RUNNING: one still launching, or already stopping, cannot be upgraded now. */
export class UpgradeNotPossibleError extends DomainError {
  readonly code = 'UPGRADE_NOT_POSSIBLE';

  constructor(
    readonly jobId: string,
    readonly executionId: string,
    readonly status: ExecutionStatus,
    why = `its run ${executionId} is ${status}, not RUNNING`,
  ) {
    super(`Job '${jobId}' cannot be upgraded now: ${why}; nothing was stored`);
  }
}

/** One upgrade of a job at a time. */
export class UpgradeInProgressError extends DomainError {
  readonly code = 'UPGRADE_IN_PROGRESS';

  constructor(
    readonly jobId: string,
    readonly upgradeId?: string,
  ) {
    super(`Job '${jobId}' is being upgraded${upgradeId ? ` (upgrade ${upgradeId})` : ''}; nothing was stored: try again once it ended`);
  }
}

export class UpgradeNotFoundError extends DomainError {
  readonly code = 'UPGRADE_NOT_FOUND';

  constructor(readonly upgradeId: string) {
    super(`Upgrade '${upgradeId}' does not exist`);
  }
}
