import type { AuditContext } from '../../entities/audit.js';
import type { Job, JobDefinition } from '../../entities/job.js';
import type { Upgrade, UpgradeMode } from '../../entities/upgrade.js';
import type { UpgradePageRequest } from '../output/upgrade-repository.js';

/** How a change of a job's definition treats its active run: `none` leaves it on the version it started with. */
export interface ChangeOptions {
  /** With If-Match: only if the job is still at this version. */
  expectedVersion?: number;
  upgrade: UpgradeMode | 'none';
}

/** A change of a job's definition, and what it did to the job's active run. */
export interface DefinitionChange {
  job: Job;
  /** The upgrade it started (STOPPING). */
  upgrade?: Upgrade;
  /** The active run that goes on with its own version (no upgrade asked for, or none possible). */
  activeRun?: { executionId: string; jobVersion: number | null };
}

export interface UpgradePage {
  upgrades: Upgrade[];
  /** Where the next page starts; absent on the last page. */
  next?: { createdAt: Date; id: string };
}

/**
 * A job's definition replaced (or rolled back to an earlier version) and, when asked, its running run upgraded to
 * it. The change that starts an upgrade (the new version, the upgrade, the stop of the old run, the audit row and
 * the events) commits in one transaction.
 */
export interface JobUpgrades {
  replaceJob(jobId: string, definition: JobDefinition, audit: AuditContext, options: ChangeOptions): Promise<DefinitionChange>;
  rollbackJob(jobId: string, version: number, audit: AuditContext, options: ChangeOptions): Promise<DefinitionChange>;
  listUpgrades(jobId: string, page: UpgradePageRequest): Promise<UpgradePage>;
  getUpgrade(upgradeId: string): Promise<Upgrade>;
}

/** The scheduler loop's side: moving upgrades in progress on, each on one instance at a time. */
export interface UpgradeProgress {
  /** Advances every upgrade in progress this instance can lock by one step; resolves with how many moved. */
  advanceUpgrades(): Promise<number>;
}
