import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJarServer } from '../scripts/jar-server.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';

/**
 * What the scheduler benchmarks share: a scratch database (unless DATABASE_URL names one), a folder of their own,
 * and a small JAR served on loopback with its checksum; `close` takes it all down.
 */
export async function benchSetup(name: string) {
  const scratch = process.env.DATABASE_URL ? undefined : await createScratchDatabase();
  const databaseUrl = process.env.DATABASE_URL ?? scratch!.url;
  const dir = await mkdtemp(join(tmpdir(), `fjs-bench-${name}-`));
  const jarPath = join(dir, 'bench.jar');
  const jarBytes = randomBytes(4096);
  await writeFile(jarPath, jarBytes);
  const jarSha256 = createHash('sha256').update(jarBytes).digest('hex');
  const jars = await startJarServer(jarPath);
  return {
    databaseUrl,
    dir,
    jarSha256,
    jars,
    close: async () => {
      await jars.close();
      await rm(dir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}
