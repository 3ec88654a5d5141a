import { registerDecorator, ValidationArguments } from 'class-validator';

/** bcrypt reads at most 72 bytes: a longer password would be silently cut (Cyrillic letters take two bytes). */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 8;

export type PasswordProblem = 'tooShort' | 'tooLong' | 'needsLettersAndDigits' | 'equalsLogin';

/** Russian texts of the problems, for the validation details. */
export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  tooShort: `Пароль должен быть не короче ${PASSWORD_MIN_LENGTH} символов`,
  tooLong: 'Пароль слишком длинный',
  needsLettersAndDigits: 'Пароль должен содержать буквы и цифры',
  equalsLogin: 'Пароль не должен совпадать с логином',
};

/** The rule for every diary password (set by an admin, at account creation, or by the user): the one place it lives. */
export const PASSWORD_RULE_RU = `не короче ${PASSWORD_MIN_LENGTH} символов, буквы и цифры, не совпадает с логином`;

/**
 * What is wrong with a new diary password, or null: at least PASSWORD_MIN_LENGTH characters and at most
 * PASSWORD_MAX_BYTES bytes, at least one letter (any alphabet) and one digit, not the login (case-insensitive).
 */
export function passwordProblem(password: string, login?: string | null): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return 'tooLong';
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) return 'needsLettersAndDigits';
  if (login && password.trim().toLowerCase() === login.trim().toLowerCase()) return 'equalsLogin';
  return null;
}

/**
 * class-validator: a string that passes passwordProblem(); compared with the object's `login` property when the
 * DTO has one (account creation). Routes that know the login only from the database check it again in the service.
 */
export function IsDiaryPassword(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDiaryPassword',
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (v: unknown, args: ValidationArguments) => {
          const login = (args.object as { login?: unknown }).login;
          return typeof v === 'string' && passwordProblem(v, typeof login === 'string' ? login : null) === null;
        },
      },
    });
}
