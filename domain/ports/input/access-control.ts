import type { Actor, Role } from '../../entities/access.js';

/** Who a request comes from: a known key, no key, or a key that is not known. */
export type Authentication = { kind: 'known'; actor: Actor } | { kind: 'missing' } | { kind: 'unknown' };

/** Identifying callers by their API key, and telling what their role allows. */
export interface AccessControl {
  /** Without API keys configured, every caller is the anonymous admin. */
  authenticate(bearerKey: string | undefined): Authentication;
  allows(actor: Actor, required: Role): boolean;
}
