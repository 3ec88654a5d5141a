import { applyDecorators } from '@nestjs/common';
import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/** Fails on `null` (the constraint `isNotNull`); anything else is left to the other validators. */
export function IsNotNull(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNotNull',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: (v: unknown) => v !== null },
    });
}

/**
 * The field may be left out, but when it is sent it must be a value: `null` is refused (400
 * VALIDATION_FAILED, code `isNotNull`). class-validator's `@IsOptional()` lets `null` through as well,
 * which reaches a NOT NULL column as a 500; use this on every optional field that cannot be cleared,
 * and keep `@IsOptional()` + `@ValidateIf((_, v) => v !== null)` only where null means "clear it".
 */
export function OptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_o: object, v: unknown) => v !== undefined),
    IsNotNull(),
  );
}
