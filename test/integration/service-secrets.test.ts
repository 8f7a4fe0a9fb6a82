import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../../adapters/output/repository/service-secrets.js';
import { serviceSecrets } from '../../adapters/output/repository/schema.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { createScratchDatabase } from '../../scripts/scratch-database.js';
import { postgresSkipReason, testBackends } from '../support/databases.js';
import { expectProblem, startTestApp } from '../support/http-app.js';

const backends = await testBackends();
const at = new Date('2026-03-01T12:00:00.000Z');

describe.each(backends)('loadOrCreateSecret on $name', (backend) => {
  let database: OpenedDatabase;

  beforeAll(async () => {
    if (!backend.skipReason) database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    await database.db.delete(serviceSecrets);
  });

  it('makes 32 random bytes on first use and gives the same ones back after', async () => {
    const made = await loadOrCreateSecret(database.db, 'signing', at);
    expect(made).toHaveLength(32);
    expect(await loadOrCreateSecret(database.db, 'signing', new Date())).toEqual(made);
    expect(await loadOrCreateSecret(database.db, 'other', at)).not.toEqual(made);
    const rows = await database.db.select().from(serviceSecrets);
    expect(rows.map((row) => [row.name, row.createdAt])).toEqual(expect.arrayContaining([['signing', at], ['other', at]]));
  });

  it('gives every one of many concurrent callers the same secret', async () => {
    const secrets = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateSecret(database.db, 'raced', at)));
    for (const secret of secrets) expect(secret).toEqual(secrets[0]);
    expect(await database.db.select().from(serviceSecrets)).toHaveLength(1);
  });
});

describe.skipIf(await postgresSkipReason())('page tokens across replicas on one PostgreSQL', () => {
  it('a token one replica issued is taken by another, and survives a restart', async () => {
    const scratch = await createScratchDatabase();
    const location = { kind: 'postgres', url: scratch.url } as const;
    const [first, second] = await Promise.all([startTestApp(undefined, location), startTestApp(undefined, location)]);
    try {
      for (const name of ['a', 'b', 'c']) {
        const body = { name, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' };
        expect((await first.request('/api/v1/jobs', { method: 'POST', json: body })).status).toBe(201);
      }
      const { nextContinuationToken: token } = await (await first.request('/api/v1/jobs?limit=1')).json();
      const page = await (await second.request(`/api/v1/jobs?limit=1&continuationToken=${token}`)).json();
      expect(page.jobs.map((job: { name: string }) => job.name)).toEqual(['b']);
      await second.close();
      const restarted = await startTestApp(undefined, location);
      expect((await restarted.request(`/api/v1/jobs?limit=1&continuationToken=${token}`)).status).toBe(200);
      await restarted.close();
      const elsewhere = await startTestApp();
      await expectProblem(await elsewhere.request(`/api/v1/jobs?limit=1&continuationToken=${token}`), 400, 'INVALID_CONTINUATION_TOKEN');
      await elsewhere.close();
    } finally {
      await first.close();
      await scratch.drop();
    }
  });
});
