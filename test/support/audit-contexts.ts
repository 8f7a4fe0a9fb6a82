import type { Role } from '../../domain/entities/access.js';
import type { AuditContext } from '../../domain/entities/audit.js';

/** The audit context of a request by `name` with `role`, as the HTTP adapter would hand it to a use case. */
export function anAuditContext(overrides: Partial<AuditContext> & { role?: Role; name?: string } = {}): AuditContext {
  const { role = 'admin', name = 'test-key', ...rest } = overrides;
  return {
    actor: { name, role },
    action: 'test.change',
    resourceType: 'job',
    requestId: 'test-request',
    sourceAddress: '127.0.0.1',
    reason: null,
    outcome: 200,
    ...rest,
  };
}
