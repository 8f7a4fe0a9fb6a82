import type { AuditEvent } from '../entities/audit.js';
import type { AuditLog, AuditPage } from '../ports/input/audit-log.js';
import type { AuditQuery, AuditTrail } from '../ports/output/audit-trail.js';
import type { Clock } from '../ports/output/clock.js';
import type { IdGenerator } from '../ports/output/id-generator.js';

/** How many events one sweep statement removes: small batches keep locks and transactions short. */
const SWEEP_BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export class AuditService implements AuditLog {
  constructor(
    private readonly trail: AuditTrail,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly retentionDays: number,
  ) {}

  recordRefusal(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
    return this.trail.record({ ...event, id: this.ids.newId(), at: this.clock.now() });
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const rows = await this.trail.list({ ...query, limit: query.limit + 1 });
    if (rows.length <= query.limit) return { events: rows };
    const events = rows.slice(0, query.limit);
    const last = events[events.length - 1]!;
    return { events, next: { at: last.at, id: last.id } };
  }

  async sweep(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    let removed = 0;
    for (;;) {
      const batch = await this.trail.removeOlderThan(before, SWEEP_BATCH);
      removed += batch;
      if (batch < SWEEP_BATCH) return removed;
    }
  }
}
