import { rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SavepointFiles } from '../../../domain/ports/output/savepoint-files.js';

/**
 * Savepoint folders on a file system this service shares with Flink (a `file:` path Flink wrote, mounted at the
 * same place here). Other schemes (s3:, hdfs:...) are left to whoever manages that storage.
 */
export class LocalSavepointFiles implements SavepointFiles {
  async remove(path: string): Promise<{ removed: true } | { removed: false; reason: string }> {
    const folder = localFolderOf(path);
    if (!folder) return { removed: false, reason: 'the service removes only file: paths; remove them where they are stored' };
    try {
      if (!(await stat(folder)).isDirectory()) return { removed: false, reason: `${folder} is not a folder` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { removed: false, reason: `${folder} cannot be found from this service` };
      return { removed: false, reason: `${folder} cannot be read: ${(error as Error).message}` };
    }
    try {
      await rm(folder, { recursive: true, force: true });
      return { removed: true };
    } catch (error) {
      return { removed: false, reason: `${folder} could not be deleted: ${(error as Error).message}` };
    }
  }
}

/** The local folder of a `file:` path (`file:/x`, `file:///x`); undefined for any other path. */
function localFolderOf(path: string): string | undefined {
  if (!path.startsWith('file:')) return undefined;
  try {
    const folder = fileURLToPath(new URL(path));
    // The root, or a relative oddity, is never a savepoint's folder.
    return folder.length > 1 ? folder : undefined;
  } catch {
    return undefined;
  }
}
