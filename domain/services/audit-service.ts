import type { AuditEvent } from '../entities/audit.js';
import type { AuditLog, AuditPage } from '../ports/input/audit-log.js';
import type { AuditQuery, AuditTrail } from '../ports/output/audit-trail.js';
import type { Clock } from '../ports/output/clock.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import { sweepOlderThan } from './retention.js';


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

  sweep(): Promise<number> {
    return sweepOlderThan((before, limit) => this.trail.removeOlderThan(before, limit), this.clock.now(), this.retentionDays);
  }
}
