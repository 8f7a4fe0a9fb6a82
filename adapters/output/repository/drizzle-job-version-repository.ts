import { and, desc, eq, lt } from 'drizzle-orm';
import type { JobVersion } from '../../../domain/entities/job-version.js';
import type { JobDefinition } from '../../../domain/entities/job.js';
import { RETRY_DEFAULTS } from '../../../domain/entities/retry-policy.js';
import type { JobVersionQuery, JobVersionRepository } from '../../../domain/ports/output/job-version-repository.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { jobVersions, type JobVersionRow } from './job-version-table.js';

export class DrizzleJobVersionRepository implements JobVersionRepository {
  constructor(private readonly db: AppDatabase) {}

  async append(version: JobVersion): Promise<void> {
    await withStorageErrors(() => this.db.insert(jobVersions).values(version));
  }

  async find(jobId: string, version: number): Promise<JobVersion | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .select()
        .from(jobVersions)
        .where(and(eq(jobVersions.jobId, jobId), eq(jobVersions.version, version)));
      return row && toJobVersion(row);
    });
  }

  async list(jobId: string, query: JobVersionQuery): Promise<JobVersion[]> {
    const below = query.before === undefined ? undefined : lt(jobVersions.version, query.before);
    return withStorageErrors(async () => {
      const rows = await this.db
        .select()
        .from(jobVersions)
        .where(and(eq(jobVersions.jobId, jobId), below))
        .orderBy(desc(jobVersions.version))
        .limit(query.limit);
      return rows.map(toJobVersion);
    });
  }
}

/** Versions kept from before retries existed (the migration's copies) read as RETRY_DEFAULTS, as their jobs did. */
function toJobVersion(row: JobVersionRow): JobVersion {
  // Versions stored before a field existed lack it: they had its default.
  const stored: Partial<JobDefinition> = row.definition;
  const definition: JobDefinition = {
    ...row.definition,
    restore: stored.restore ?? null,
    allowNonRestoredState: stored.allowNonRestoredState ?? false,
    claimMode: stored.claimMode ?? 'NO_CLAIM',
    savepointPolicy: stored.savepointPolicy ?? null,
    retryPolicy: row.definition.retryPolicy ?? { ...RETRY_DEFAULTS },
  };
  return { jobId: row.jobId, version: row.version, definition, createdAt: row.createdAt, changedBy: row.changedBy };
}
