/** Reading the environment: the typed readers every config section uses, collecting problems instead of throwing. */

export type NodeEnv = 'development' | 'production' | 'test';

export type Env = Record<string, string | undefined>;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * Readers over one environment. Each bad value adds a line to `problems` and yields the default, so
 * loadConfig can list every problem at once; `warnings` are printed once the logger exists.
 */
export interface EnvReader {
  readonly env: Env;
  readonly problems: string[];
  readonly warnings: string[];
  str(name: string): string | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], def: T): T;
  int(name: string, def: number, min: number, max: number): number;
  bool(name: string, def: boolean): boolean;
  url(name: string, def: string, protocols: string[]): string;
}

export function envReader(env: Env): EnvReader {
  const problems: string[] = [];
  const warnings: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const v = str(name);
    if (v === undefined) return def;
    if (!(allowed as readonly string[]).includes(v)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
      return def;
    }
    return v as T;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = str(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = str(name);
    if (v === undefined) return def;
    if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${v}")`);
    return def;
  };
  const url = (name: string, def: string, protocols: string[]): string => {
    const v = str(name) ?? def;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return v;
  };
  return { env, problems, warnings, str, oneOf, int, bool, url };
}
