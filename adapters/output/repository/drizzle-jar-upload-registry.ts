import { and, desc, eq, ne } from 'drizzle-orm';
import type { JarUploadRegistry } from '../../../domain/ports/output/jar-upload-registry.js';
import type { AppDatabase } from './database.js';
import { withStorageErrors } from './database-errors.js';
import { flinkJarUploads } from './schema.js';

export class DrizzleJarUploadRegistry implements JarUploadRegistry {
  constructor(private readonly db: AppDatabase) {}

  async find(sha256: string, clusterAddress: string): Promise<string | undefined> {
    return withStorageErrors(async () => {
      const [row] = await this.db
        .select({ jarId: flinkJarUploads.jarId })
        .from(flinkJarUploads)
        .where(and(eq(flinkJarUploads.sha256, sha256), eq(flinkJarUploads.clusterAddress, clusterAddress)))
        .orderBy(desc(flinkJarUploads.uploadedAt))
        .limit(1);
      return row?.jarId;
    });
  }

  async record(upload: { sha256: string; clusterAddress: string; jarId: string; jobId: string; at: Date }): Promise<string[]> {
    const { at, ...row } = upload;
    return withStorageErrors(() =>
      this.db.transaction(async (tx) => {
        await tx
          .insert(flinkJarUploads)
          .values({ ...row, uploadedAt: at })
          .onConflictDoNothing();
        // Uploads of other content for the same job on this cluster are superseded by this one.
        const superseded = await tx
          .delete(flinkJarUploads)
          .where(
            and(
              eq(flinkJarUploads.jobId, upload.jobId),
              eq(flinkJarUploads.clusterAddress, upload.clusterAddress),
              ne(flinkJarUploads.sha256, upload.sha256),
            ),
          )
          .returning({ jarId: flinkJarUploads.jarId });
        return superseded.map((old) => old.jarId);
      }),
    );
  }

  async forget(jarId: string, clusterAddress: string): Promise<void> {
    await withStorageErrors(() =>
      this.db
        .delete(flinkJarUploads)
        .where(and(eq(flinkJarUploads.jarId, jarId), eq(flinkJarUploads.clusterAddress, clusterAddress))),
    );
  }
}
