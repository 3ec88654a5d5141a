import { Role } from './role';

/**
 * Who is calling: read from the access token; re-read from PostgreSQL only when the account changed after the
 * token was issued (roles, school, status, password: see docs/security.md).
 */
export interface Principal {
  userId: string;
  sessionId: string;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
  /** The users.auth_version these roles and placement are from (set by the access-token guard). */
  authVersion?: number;
}

export const hasRole = (p: Principal, ...roles: Role[]): boolean => roles.some((r) => p.roles.includes(r));
