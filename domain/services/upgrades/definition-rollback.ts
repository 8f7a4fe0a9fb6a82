import type { AuditEvent } from '../../entities/audit.js';
import { jobEvent } from '../../entities/event.js';
import { replaceJob, type Job } from '../../entities/job.js';
import type { Upgrade } from '../../entities/upgrade.js';
import { DomainError } from '../../errors.js';
import type { TransactionRepositories } from '../../ports/output/unit-of-work.js';

/**
 * Appends the old version's definition (`old`) as the job's next version when the job is still at the version the
 * upgrade stored, with an audit row (in the name of whoever asked for the upgrade) and a job.replaced event, in the
 * caller's transaction: a failed upgrade leaves the job defined as what runs, so later ticks do not run the version
 * that failed. A replace made during the upgrade is left as it is.
 */
export async function restoreDefinition(
  repositories: Pick<TransactionRepositories, 'jobs' | 'versions' | 'audit' | 'events'>,
  upgrade: Upgrade,
  old: Job,
  now: Date,
  auditId: string,
): Promise<void> {
  const { version: _version, id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = old;
  let job: Job | undefined;
  try {
    job = await repositories.jobs.update(upgrade.jobId, (current) =>
      current.version === upgrade.toVersion ? replaceJob(current, definition, now) : current,
    );
  } catch (error) {
    // The old name taken by another job meanwhile: the definition stays; the old version runs all the same.
    if (error instanceof DomainError) return;
    throw error;
  }
  if (!job || job.version === upgrade.toVersion) return;
  await repositories.versions.append({ jobId: job.id, version: job.version, definition, createdAt: now, changedBy: upgrade.requestedBy });
  await repositories.audit.record(rollbackAudit(upgrade, job, now, auditId));
  await repositories.events.append([jobEvent('job.replaced', job, now)]);
}

function rollbackAudit(upgrade: Upgrade, job: Job, now: Date, id: string): AuditEvent {
  return {
    id,
    at: now,
    actor: upgrade.requestedBy ?? 'upgrade',
    role: null,
    action: 'job.upgrade_rollback',
    resourceType: 'job',
    resourceId: job.id,
    outcome: 200,
    requestId: upgrade.id,
    sourceAddress: null,
    versionBefore: job.version - 1,
    versionAfter: job.version,
    reason: `upgrade ${upgrade.id} failed: the definition of version ${upgrade.fromVersion} is the job's again`,
  };
}
