import { registerDecorator, ValidationOptions } from 'class-validator';

/** Strips spaces and dashes: "112-233-445 95" → "11223344595". */
export function normalizeSnils(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/**
 * SNILS checksum (ПФР rules): digits 1–9 weighted 9..1; sum < 100 → sum; 100/101 → 00;
 * otherwise sum mod 101 (and 100 → 00). Numbers up to 001-001-998 have no checksum rule.
 */
export function isValidSnils(input: string): boolean {
  const s = normalizeSnils(input);
  if (!/^\d{11}$/.test(s)) return false;
  const body = s.slice(0, 9);
  const control = Number(s.slice(9));
  if (Number(body) <= 1001998) return false;
  return snilsControl(body) === control;
}

/** The control number of a 9-digit SNILS body. */
export function snilsControl(body: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (9 - i);
  if (sum < 100) return sum;
  if (sum === 100 || sum === 101) return 0;
  const rest = sum % 101;
  return rest === 100 ? 0 : rest;
}

/** ESIA's display form: XXX-XXX-XXX YY. */
export function formatSnils(input: string): string {
  const s = normalizeSnils(input);
  return `${s.slice(0, 3)}-${s.slice(3, 6)}-${s.slice(6, 9)} ${s.slice(9)}`;
}

export function IsSnils(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSnils',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidSnils(value) },
    });
}
