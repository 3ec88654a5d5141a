import { Role } from './role';

/** Who is calling: read from the access token, never from the database. */
export interface Principal {
  userId: string;
  sessionId: string;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
}

export const hasRole = (p: Principal, ...roles: Role[]): boolean => roles.some((r) => p.roles.includes(r));
