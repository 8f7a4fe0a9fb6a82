import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREPARED_TEXTS, preparingClient } from '../../infrastructure/prepared-statements.js';
import { postgresClient } from '../../infrastructure/postgres-client.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason } from '../support/databases.js';

const skipReason = await postgresSkipReason();

// postgres.js and PostgreSQL's own statements: PGlite runs in the process, with no round trips to save.
describe.skipIf(skipReason)('statements drizzle sends to PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  // A client of one connection per test, so that pg_prepared_statements (per session) shows what it prepared.
  const clients: ReturnType<typeof postgresClient>[] = [];
  const oneConnection = () => {
    const client = postgresClient(scratch.url, 1);
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end({ timeout: 1 })));
    await scratch?.drop();
  });

  const prepared = async (db: Pick<ReturnType<typeof drizzle>, 'execute'>, marker: string): Promise<number> => {
    const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} and statement not like '%pg_prepared_statements%'`);
    return rows[0]!.n;
  };
  const probe = (marker: string, value: number) => sql`select ${value}::int + 1 as ${sql.identifier(marker)}`;

  it('prepares what drizzle builds per call, on the connection and in transactions and savepoints', async () => {
    const db = drizzle({ client: preparingClient(oneConnection()) });
    expect(await db.execute(probe('on_connection', 1))).toEqual([{ on_connection: 2 }]);
    expect(await db.execute(probe('on_connection', 41))).toEqual([{ on_connection: 42 }]);
    expect(await prepared(db, 'on_connection')).toBe(1);

    const inTransaction = await db.transaction(async (tx) => {
      await tx.execute(probe('in_transaction', 1));
      const nested = await tx.transaction(async (savepoint) => {
        await savepoint.execute(probe('in_savepoint', 1));
        return prepared(savepoint, 'in_savepoint');
      });
      return [await prepared(tx, 'in_transaction'), nested];
    });
    expect(inTransaction).toEqual([1, 1]);
  });

  it('drizzle alone leaves them unnamed: each is parsed again, in two round trips', async () => {
    const db = drizzle({ client: oneConnection() });
    await db.execute(probe('unwrapped', 1));
    await db.execute(probe('unwrapped', 2));
    expect(await prepared(db, 'unwrapped')).toBe(0);
  });

  it(`prepares at most ${MAX_PREPARED_TEXTS} texts; later ones are sent unnamed and still answer`, async () => {
    const full = new Set(Array.from({ length: MAX_PREPARED_TEXTS }, (_, i) => `text ${i}`));
    const db = drizzle({ client: preparingClient(oneConnection(), full) });
    expect(await db.execute(probe('past_the_cap', 2))).toEqual([{ past_the_cap: 3 }]);
    expect(await prepared(db, 'past_the_cap')).toBe(0);
    expect(full.size).toBe(MAX_PREPARED_TEXTS);
  });
});
