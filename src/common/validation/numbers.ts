import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';

/** Largest value of a PostgreSQL bigint (identity ids, cursors). */
export const PG_BIGINT_MAX = 9223372036854775807n;

/**
 * An integer query parameter between `min` and `max`. Only plain decimal digits are turned into a
 * number: `1e3`, `0x10`, `1.5`, `NaN`, `1e308`, a repeated parameter or one too long to be exact stay
 * strings and fail `isInt` (400 VALIDATION_FAILED) instead of reaching a query as a huge number.
 */
export function QueryInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value)),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** A positive bigint in decimal (message ids, cursors): digits only, and within PostgreSQL's bigint. */
export function IsBigIntString(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(Matches(/^[1-9]\d{0,18}$/, options), (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'max',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: (v: unknown) => typeof v !== 'string' || !/^\d{1,19}$/.test(v) || BigInt(v) <= PG_BIGINT_MAX },
    }),
  );
}

/** True when `s` is a positive decimal bigint PostgreSQL can hold. */
export const isBigIntString = (s: string): boolean => /^[1-9]\d{0,18}$/.test(s) && BigInt(s) <= PG_BIGINT_MAX;
