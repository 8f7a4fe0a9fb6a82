/** What an API key may do. Each role includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/**
 * viewer: every read. operator: also the controls of executions and schedules (start, stop, retry, pause,
 * resume). admin: everything, including creating, replacing and deleting jobs and schedules, and the audit trail.
 */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who made a request: the name of the API key it carried, and that key's role. */
export interface Actor {
  name: string;
  role: Role;
}

/** Everyone, when the service runs without API keys (on a loopback address, or with AUTH_DISABLED=true). */
export const ANONYMOUS_ADMIN: Actor = { name: 'anonymous', role: 'admin' };
