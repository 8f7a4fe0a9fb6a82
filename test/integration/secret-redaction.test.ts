import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { createJob } from '../../domain/entities/job.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { createLogger } from '../../infrastructure/logging.js';
import { testBackends } from '../support/databases.js';
import { expectProblem, startTestApp } from '../support/http-app.js';
import { aJobDefinition } from '../support/job-definitions.js';
import { runServiceToExit, startServiceProcess } from '../support/service-process.js';

/** What a job's `config` or a connection string may hold; no log line, error or response may show it. */
const SECRET = 'hunter2-Xq7v';

/** A logger writing to memory: the raw lines, exactly as they would reach stdout. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', sink), text: () => lines.join('\n') };
}

const backends = await testBackends();

describe.each(backends)('a failed statement on $name', (backend) => {
  let database: OpenedDatabase;

  beforeAll(async () => {
    if (!backend.skipReason) database = await backend.open();
  });
  afterAll(() => database?.close());

  it('is reported and logged with its statement, never with the values it was given', async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    const repository = new DrizzleJobRepository(database.db);
    const at = new Date('2026-03-01T12:00:00.000Z');
    const id = '00000000-0000-4000-8000-0000000000a1';
    await repository.insert(createJob(aJobDefinition({ name: 'first' }), id, at));
    // The same id again: a unique violation that is not the name's, so the error travels on as it is.
    const clash = createJob(aJobDefinition({ name: 'clash-Zk93', config: { password: SECRET } }), id, at);
    const error = await repository.insert(clash).then(
      () => expect.unreachable('a second job with the same id must be refused'),
      (failure: unknown) => failure as Error,
    );
    expect(error.message).toMatch(/^Failed query: insert into "jobs"/);
    expect(error.message).not.toContain(SECRET);

    const { logger, text } = capturedLogger();
    logger.error({ err: error }, 'storing the job failed');
    expect(text()).toContain('insert into \\"jobs\\"');
    expect(text()).toContain('duplicate key value violates unique constraint \\"jobs_pkey\\"');
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain('clash-Zk93');
  });

  it('is logged without its values when it comes straight from drizzle', async (context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
    const error = await database.db.execute(sql`select ${SECRET}::text as secret, 1 / 0 as boom`).then(
      () => expect.unreachable('a division by zero must fail'),
      (failure: unknown) => failure as Error,
    );
    expect(error.message, 'drizzle lists the values itself').toContain(SECRET);
    const { logger, text } = capturedLogger();
    logger.error({ err: error }, 'query failed');
    expect(text()).toContain('Failed query: select $1::text as secret, 1 / 0 as boom');
    expect(text()).toContain('division by zero');
    expect(text()).not.toContain(SECRET);
  });
});

describe('the HTTP app when the database fails', () => {
  it('answers 503 and logs the failed statement without the job it was storing', async () => {
    const api = await startTestApp();
    await api.close();
    const response = await api.request('/api/v1/jobs', {
      method: 'POST',
      json: { name: 'with-secret', jarURL: '/jars/a.jar', entryClass: 'com.example.A', config: { password: SECRET } },
    });
    const problem = await expectProblem(response, 503, 'STORAGE_UNAVAILABLE');
    expect(JSON.stringify(problem)).not.toContain(SECRET);
    const logged = JSON.stringify(api.logLines);
    expect(logged).toContain('Failed query: insert into');
    expect(logged).not.toContain(SECRET);
  });
});

describe('log lines', () => {
  it('hide the password of any URL, in messages and in error fields alike', () => {
    const { logger, text } = capturedLogger();
    const url = `postgres://app:${SECRET}@db.internal:5432/jobs`;
    // What node throws for a URL it cannot parse: the whole URL rides along in `input`.
    const invalid = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL', input: url });
    logger.fatal({ err: invalid }, 'service failed to start');
    logger.error({ err: new Error(`could not reach ${url}`) }, 'migration failed');
    logger.warn(`connecting to postgresql://ops:p@ss@${SECRET}@replica/jobs failed`);
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('could not reach postgres://app:***@db.internal:5432/jobs');
    expect(text()).toContain('postgresql://ops:***@replica/jobs');
  });
});

describe('start-up with a DATABASE_URL holding a password', () => {
  it.each(['server.ts', 'migrate.ts'] as const)('%s names the bad variable without the password', async (entryPoint) => {
    const { code, stderr } = await runServiceToExit(
      { DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:99999/jobs` },
      entryPoint,
    );
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'Invalid DATABASE_URL="postgres://app:***@127.0.0.1:99999/jobs": must be a postgres:// or postgresql:// URL',
    );
  });

  it('hides a password given as a connection string too', async () => {
    const { stderr } = await runServiceToExit({ DATABASE_URL: `host=db user=app password=${SECRET}` });
    expect(stderr).toMatch(/^Invalid DATABASE_URL="host=db user=app password=\*\*\*"/);
  });

  it('does not show it when the database cannot be reached', async () => {
    const service = startServiceProcess({ DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:1/jobs` });
    const failure = await service.then(
      () => expect.unreachable('the service must not start without its database'),
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with 1 before listening[\s\S]*service failed to start/);
    expect(failure).not.toContain(SECRET);
  });
});
