import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DrizzleAuditTrail } from '../../adapters/output/repository/drizzle-audit-trail.js';
import { DrizzleExecutionRepository } from '../../adapters/output/repository/drizzle-execution-repository.js';
import { auditEvents, events, jobExecutions } from '../../adapters/output/repository/schema.js';
import { systemClock } from '../../adapters/output/system/system-clock.js';
import type { AuditEvent } from '../../domain/entities/audit.js';
import { newExecution, type Execution } from '../../domain/entities/execution.js';
import { JobAlreadyRunningError } from '../../domain/errors.js';
import { databaseOf } from '../../infrastructure/container.js';
import { expectProblem, testAppBackends, type TestApp } from '../support/http-app.js';
import { countStatements } from '../support/statement-count.js';

const backends = await testAppBackends();

describe.each(backends)('what a start writes on $name', (backend) => {
  let api: TestApp;
  let counter = 0;

  beforeAll(async () => {
    if (!backend.skipReason) api = await backend.start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach((context) => {
    if (backend.skipReason) context.skip(backend.skipReason);
  });

  const db = () => databaseOf(api.container).db;
  const createJob = async (): Promise<{ id: string; version: number }> => {
    const body = { name: `start-writes-${++counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Main' };
    const response = await api.request('/api/v1/jobs', { method: 'POST', json: body });
    expect(response.status).toBe(201);
    return response.json();
  };
  /** Everything stored about the job: its runs, its events and its audit rows. */
  const storedFor = async (jobId: string) => ({
    runs: await db().select().from(jobExecutions).where(eq(jobExecutions.jobId, jobId)).orderBy(asc(jobExecutions.id)),
    events: await db().select().from(events).where(eq(events.subject, jobId)).orderBy(asc(events.seq)),
    audit: await db().select().from(auditEvents).where(eq(auditEvents.resourceId, jobId)).orderBy(asc(auditEvents.id)),
  });
  const repository = (owner: string) => new DrizzleExecutionRepository(db(), { owner, ttlMs: 3_600_000, clock: systemClock });
  const aRun = (jobId: string): Execution =>
    newExecution({ id: randomUUID(), jobId, trigger: 'manual', scheduledFor: new Date(), requestedBy: 'test', jobVersion: 1, now: new Date() });

  it('stores the run, its event and one audit row in one statement outside any transaction, after one read', async () => {
    const job = await createJob();
    const statements = countStatements(db());
    const headers = { 'X-Request-Id': 'start-one-statement', 'X-Operator-Reason': 'nightly catch-up' };
    const response = await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', headers });
    expect(response.status).toBe(202);
    const run = await response.json();

    // Statements inside a transaction go through the transaction's own connection, not the client counted here:
    // the insert being counted is the proof that it ran on its own.
    const sent = statements.since();
    const insertAt = sent.findIndex((text) => /insert into "job_executions"/.test(text));
    expect(insertAt, sent.join('\n---\n')).toBeGreaterThanOrEqual(0);
    expect(sent[insertAt]).toMatch(/insert into "events"/);
    expect(sent[insertAt]).toMatch(/insert into "audit_events"/);
    // Before it, the job and its schedule in one read (no restore is asked for, so no restore point is looked up).
    expect(sent.slice(0, insertAt)).toEqual([expect.stringMatching(/from "jobs" left join "job_schedules"/)]);

    const stored = await storedFor(job.id);
    const created = stored.audit.filter((row) => row.action === 'job.create');
    expect(stored.audit.filter((row) => row.action !== 'job.create')).toEqual([
      {
        id: expect.any(String),
        at: expect.any(Date),
        actor: run.requestedBy,
        role: created[0]!.role,
        action: 'run.start',
        resourceType: 'job',
        resourceId: job.id,
        outcome: 202,
        requestId: 'start-one-statement',
        sourceAddress: null,
        versionBefore: job.version,
        versionAfter: job.version,
        reason: 'nightly catch-up',
      },
    ]);
    const queued = stored.events.filter((event) => event.type === 'run.queued');
    expect(queued.map((event) => (event.data as { id: string }).id)).toEqual([run.id]);
  });

  it('reads nothing before the statement of a start of a job it knows, and reads again when the job has changed', async () => {
    const job = await createJob();
    const schedule = (overlapPolicy: string) =>
      api.request(`/api/v1/jobs/${job.id}/schedule`, { method: 'POST', json: { cron: '0 0 0 1 1 *', overlapPolicy } });
    expect((await schedule('allow')).status).toBe(200);
    const start = async () => {
      const response = await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST' });
      return { status: response.status, body: await response.json() };
    };
    const statements = countStatements(db());
    expect((await start()).status).toBe(202);
    statements.reset();
    const second = await start();
    expect(second.status).toBe(202);
    // Known since the first start: the one statement, which stores the run only if the job and schedule are as read.
    const sent = statements.since();
    expect(sent.findIndex((text) => /insert into "job_executions"/.test(text)), sent.join('\n---\n')).toBe(0);
    expect(sent[0]).toMatch(/from "jobs" where/);

    // Replaced through this instance, which does not tell its starts: the next start finds out, reads, and runs v2.
    const definition = { name: `start-writes-${counter}`, jarURL: '/jars/job.jar', entryClass: 'com.example.Other' };
    expect((await api.request(`/api/v1/jobs/${job.id}`, { method: 'PUT', json: definition })).status).toBe(200);
    const third = await start();
    expect(third.status).toBe(202);
    expect(third.body.jobVersion).toBe(job.version + 1);
    // A schedule that no longer allows overlaps, made through this instance too: the next run is stored exclusive.
    expect((await schedule('skip')).status).toBe(200);
    expect((await start()).status).toBe(202);
    const stored = await storedFor(job.id);
    const runs = stored.runs.map((run) => `v${run.jobVersion} ${run.exclusive ? 'exclusive' : 'overlapping'}`).sort();
    expect(runs).toEqual(['v1 overlapping', 'v1 overlapping', 'v2 exclusive', 'v2 overlapping']);
    expect(stored.events.filter((event) => event.type === 'run.queued')).toHaveLength(4);
    expect(stored.audit.filter((row) => row.action === 'run.start').map((row) => row.outcome)).toEqual([202, 202, 202, 202]);

    // Deleted: the start answers as for any job that is not there, and stores nothing.
    expect((await api.request(`/api/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await start()).body).toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await storedFor(job.id)).runs).toHaveLength(4);
  });

  it('answers 409 for a second run of an exclusive job, storing no run, no event and no audit row of a start', async () => {
    const job = await createJob();
    // An active run that another instance drives (its lease far from running out): nothing here touches it.
    const active = { ...aRun(job.id), status: 'RUNNING' as const };
    await repository('another-instance').insert(active, { exclusive: true });
    const before = await storedFor(job.id);

    const refused = await api.request(`/api/v1/jobs/${job.id}/start`, { method: 'POST', headers: { 'X-Request-Id': 'start-refused' } });
    expect((await expectProblem(refused, 409, 'JOB_ALREADY_RUNNING')).detail).toContain(active.id);

    const after = await storedFor(job.id);
    expect(after.runs).toEqual(before.runs);
    expect(after.events).toEqual(before.events);
    // The only new audit row is the refusal's, which the HTTP adapter writes on its own for every refused request.
    const added = after.audit.filter((row) => !before.audit.some((old) => old.id === row.id));
    expect(added.map((row) => [row.requestId, row.action, row.outcome, row.versionBefore])).toEqual([['start-refused', 'run.start', 409, null]]);
  });

  it('writes the same audit row as the audit trail does, and neither the run nor the row when one cannot be stored', async () => {
    const job = await createJob();
    const row: AuditEvent = {
      id: randomUUID(), at: new Date('2026-06-01T12:34:56.789Z'), actor: 'ops-key', role: 'operator', action: 'run.start',
      resourceType: 'job', resourceId: job.id, outcome: 202, requestId: 'same-row', sourceAddress: '::1',
      versionBefore: 3, versionAfter: 3, reason: 'ünïcödé, "quoted"',
    };
    const run = aRun(job.id);
    await repository('test').insert(run, { exclusive: false, audit: row });
    const sparse = { ...row, id: randomUUID(), role: null, sourceAddress: null, versionBefore: null, versionAfter: null, reason: null };
    await repository('test').insert(aRun(job.id), { exclusive: false, audit: sparse });
    const trail = new DrizzleAuditTrail(db());
    await trail.record({ ...row, id: randomUUID(), requestId: 'by-the-trail' });
    await trail.record({ ...sparse, id: randomUUID(), requestId: 'by-the-trail-sparse' });
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.actor, 'ops-key'));
    const byRequest = (requestId: string) => rows.filter((one) => one.requestId === requestId).map(({ id: _id, requestId: _r, ...rest }) => rest);
    expect(byRequest('same-row')).toHaveLength(2);
    expect(byRequest('same-row')).toEqual(expect.arrayContaining([...byRequest('by-the-trail'), ...byRequest('by-the-trail-sparse')]));
    expect(rows.find((one) => one.id === row.id)).toEqual(row);

    const before = await storedFor(job.id);
    // A run that may not be stored (exclusive, beside an active one) takes its audit row with it.
    const active = { ...aRun(job.id), status: 'RUNNING' as const };
    await db().delete(jobExecutions).where(eq(jobExecutions.jobId, job.id));
    await repository('another-instance').insert(active, { exclusive: true });
    const cleared = await storedFor(job.id);
    await expect(repository('test').insert(aRun(job.id), { exclusive: true, audit: { ...row, id: randomUUID() } })).rejects.toBeInstanceOf(
      JobAlreadyRunningError,
    );
    // The database refuses a NUL in text: the audit row fails, and the run and its event go with it.
    const unstorable = { ...row, id: randomUUID(), reason: 'bad\u0000reason' };
    await expect(repository('test').insert(aRun(job.id), { exclusive: false, audit: unstorable })).rejects.toThrow();
    expect(await storedFor(job.id)).toEqual(cleared);
    expect(before.audit).toEqual(cleared.audit);
  });
});
