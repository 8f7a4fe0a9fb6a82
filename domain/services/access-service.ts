import { ANONYMOUS_ADMIN, roleAllows, type Actor, type Role } from '../entities/access.js';
import type { AccessControl, Authentication } from '../ports/input/access-control.js';
import type { ApiKeys } from '../ports/output/api-keys.js';

export class AccessService implements AccessControl {
  /** `keys` null: the service runs without API keys, and every caller may do everything. */
  constructor(private readonly keys: ApiKeys | null) {}

  authenticate(bearerKey: string | undefined): Authentication {
    if (!this.keys) return { kind: 'known', actor: ANONYMOUS_ADMIN };
    if (bearerKey === undefined) return { kind: 'missing' };
    const actor = this.keys.identify(bearerKey);
    return actor ? { kind: 'known', actor } : { kind: 'unknown' };
  }

  allows(actor: Actor, required: Role): boolean {
    return roleAllows(actor.role, required);
  }
}
