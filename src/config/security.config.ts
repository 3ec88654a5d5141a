import { randomBytes } from 'node:crypto';
import { EnvReader } from './env';

/** Secrets and the first admin: JWT_SECRET, DATA_ENCRYPTION_KEY, BOOTSTRAP_ADMIN_*. */
export interface SecurityConfig {
  jwtSecret: string;
  dataEncryptionKey: Buffer;
  bootstrapAdminLogin?: string;
  bootstrapAdminPassword?: string;
}

/** A clearly marked development-only key: never valid in production (see loadConfig). */
const DEV_DATA_ENCRYPTION_KEY = Buffer.from('development-only-insecure-key!!!', 'utf8');

export function loadSecurityConfig(r: EnvReader, production: boolean): SecurityConfig {
  const { str, problems, warnings } = r;
  let jwtSecret = str('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (production) problems.push('JWT_SECRET is required in production');
    jwtSecret = randomBytes(48).toString('base64url');
    if (!production) warnings.push('JWT_SECRET is not set: generated a random one; tokens will not survive a restart');
  } else if (jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters long');
  }

  let dataEncryptionKey = DEV_DATA_ENCRYPTION_KEY;
  const rawKey = str('DATA_ENCRYPTION_KEY');
  if (rawKey === undefined) {
    if (production) problems.push('DATA_ENCRYPTION_KEY is required in production (32 bytes, base64 or 64 hex characters)');
    else warnings.push('DATA_ENCRYPTION_KEY is not set: using the built-in development key; never do this with real data');
  } else {
    const key = /^[0-9a-fA-F]{64}$/.test(rawKey) ? Buffer.from(rawKey, 'hex') : Buffer.from(rawKey, 'base64');
    if (key.length !== 32) problems.push('DATA_ENCRYPTION_KEY must decode to exactly 32 bytes (base64 or 64 hex characters)');
    else if (production && key.equals(DEV_DATA_ENCRYPTION_KEY))
      problems.push('DATA_ENCRYPTION_KEY must not be the development key in production');
    else dataEncryptionKey = key;
  }

  const bootstrapAdminLogin = str('BOOTSTRAP_ADMIN_LOGIN');
  const bootstrapAdminPassword = str('BOOTSTRAP_ADMIN_PASSWORD');
  if ((bootstrapAdminLogin === undefined) !== (bootstrapAdminPassword === undefined)) {
    problems.push('BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (bootstrapAdminPassword !== undefined && bootstrapAdminPassword.length < 8) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters long');
  }
  return { jwtSecret, dataEncryptionKey, bootstrapAdminLogin, bootstrapAdminPassword };
}
