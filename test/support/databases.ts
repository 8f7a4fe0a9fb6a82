import postgres from 'postgres';
import { openDatabase, type OpenedDatabase } from '../../infrastructure/database.js';
import { createScratchDatabase, TEST_DATABASE_URL } from '../../scripts/scratch-database.js';

/**
 * Why the PostgreSQL suites cannot run, or undefined when they can. Outside CI an absent server skips them with
 * this reason printed; under CI=true an absent server is a failure, because nothing may skip there.
 */
export async function postgresSkipReason(): Promise<string | undefined> {
  const client = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return undefined;
  } catch (error) {
    const reason = `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
    console.warn(`Skipping PostgreSQL suite: ${reason}. Set TEST_DATABASE_URL or start PostgreSQL.`);
    return reason;
  } finally {
    await client.end({ timeout: 1 });
  }
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  skipReason: string | undefined;
  /** Opens a fresh, migrated database of this kind; `close` also throws away its data. */
  open(): Promise<OpenedDatabase>;
}

/** The two databases every repository suite runs on. */
export async function testBackends(): Promise<TestBackend[]> {
  const skipReason = await postgresSkipReason();
  return [
    { name: 'pglite', skipReason: undefined, open: () => openDatabase({ kind: 'pglite', dataDir: null }) },
    {
      name: 'postgres',
      skipReason,
      open: async () => {
        const scratch = await createScratchDatabase();
        const database = await openDatabase({ kind: 'postgres', url: scratch.url });
        return {
          ...database,
          close: async () => {
            await database.close();
            await scratch.drop();
          },
        };
      },
    },
  ];
}
