import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';
import { DrizzleAuditTrail } from '../../adapters/output/repository/drizzle-audit-trail.js';
import { DrizzleJobRepository } from '../../adapters/output/repository/drizzle-job-repository.js';
import { DrizzleUnitOfWork } from '../../adapters/output/repository/drizzle-unit-of-work.js';
import { auditEvents } from '../../adapters/output/repository/schema.js';
import { randomIds } from '../../adapters/output/system/random-ids.js';
import { AuditService } from '../../domain/services/audit-service.js';
import { AuditedChanges } from '../../domain/services/change-records.js';
import { JobDefinitionService } from '../../domain/services/job-definition-service.js';
import type { OpenedDatabase } from '../../infrastructure/database.js';
import { FixedClock } from '../unit/fakes/fixed-clock.js';
import { anAuditContext } from '../support/audit-contexts.js';
import { testBackends } from '../support/databases.js';
import { aJobDefinition } from '../support/job-definitions.js';

const backends = await testBackends();
const DAY = 24 * 60 * 60 * 1000;

describe.each(backends)('changes and their audit rows on $name', (backend) => {
  let database: OpenedDatabase;
  let clock: FixedClock;
  let jobs: DrizzleJobRepository;
  let service: JobDefinitionService;

  beforeAll(async () => {
    if (backend.skipReason) return;
    database = await backend.open();
    clock = new FixedClock(new Date('2026-06-01T00:00:00Z'));
    jobs = new DrizzleJobRepository(database.db);
    const unitOfWork = new DrizzleUnitOfWork(database.db, { owner: 'test', ttlMs: 10_000, clock });
    const changes = new AuditedChanges(unitOfWork, clock, randomIds);
    service = new JobDefinitionService(jobs, changes, clock, randomIds, { refusalFor: () => undefined }, new CronerCalculator());
  });
  afterAll(async () => {
    await database?.close();
  });

  const auditRows = () => database.db.select().from(auditEvents);

  it.skipIf(backend.skipReason)('commits a change with its audit row', async () => {
    const job = await service.createJob(aJobDefinition({ name: 'kept' }), anAuditContext({ name: 'alice', action: 'job.create', outcome: 201 }));
    expect(await jobs.findById(job.id)).toBeDefined();
    expect((await auditRows()).filter((row) => row.resourceId === job.id)).toEqual([
      expect.objectContaining({ actor: 'alice', action: 'job.create', outcome: 201, versionBefore: null, versionAfter: 1 }),
    ]);
  });

  it.skipIf(backend.skipReason)('stores neither when the audit row cannot be written', async () => {
    // The database refuses a NUL in text: the audit insert fails after the job's insert, in the same transaction.
    const unstorable = anAuditContext({ reason: 'bad\u0000reason', action: 'job.create' });
    const before = (await auditRows()).length;
    await expect(service.createJob(aJobDefinition({ name: 'rolled-back' }), unstorable)).rejects.toThrow();
    expect((await jobs.list({ limit: 100 })).map((job) => job.name)).not.toContain('rolled-back');
    expect((await auditRows()).length).toBe(before);
    // The name is free: nothing of the failed create was kept.
    await expect(service.createJob(aJobDefinition({ name: 'rolled-back' }), anAuditContext())).resolves.toBeDefined();
  });

  it.skipIf(backend.skipReason)('sweeps events past the retention period in batches, and keeps the others', async () => {
    const trail = new DrizzleAuditTrail(database.db);
    const event = (at: Date) => ({
      id: randomIds.newId(), at, actor: 'sweep', role: 'admin', action: 'job.create', resourceType: 'job',
      resourceId: null, outcome: 201, requestId: 'sweep', sourceAddress: null, versionBefore: null, versionAfter: 1, reason: null,
    });
    const old = Array.from({ length: 2100 }, (_, i) => event(new Date(clock.now().getTime() - 91 * DAY - i * 1000)));
    await database.db.insert(auditEvents).values(old);
    await trail.record(event(new Date(clock.now().getTime() - 89 * DAY)));
    const removed = await new AuditService(trail, clock, randomIds, 90).sweep();
    expect(removed).toBe(2100);
    expect((await auditRows()).filter((row) => row.actor === 'sweep')).toHaveLength(1);
  });
});
