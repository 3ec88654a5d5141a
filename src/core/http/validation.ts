import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, validationFailed } from '../../common/errors/app-error';
import { PASSWORD_RULE_RU } from '../../common/validation/password';

/** Russian texts for class-validator constraint names; anything else falls back to a generic one. */
const MESSAGES: Record<string, string> = {
  whitelistValidation: 'Поле не предусмотрено',
  isDefined: 'Поле обязательно',
  isNotNull: 'Значение не может быть null: не передавайте поле, если его не нужно менять',
  isNotEmpty: 'Поле не может быть пустым',
  isString: 'Ожидается строка',
  isInt: 'Ожидается целое число',
  isNumber: 'Ожидается число',
  isBoolean: 'Ожидается true или false',
  isArray: 'Ожидается массив',
  isUuid: 'Ожидается идентификатор (UUID)',
  isISO8601: 'Ожидается дата в формате ГГГГ-ММ-ДД',
  isDateString: 'Ожидается дата в формате ГГГГ-ММ-ДД',
  isEnum: 'Недопустимое значение',
  isIn: 'Недопустимое значение',
  min: 'Значение слишком мало',
  max: 'Значение слишком велико',
  minLength: 'Слишком короткое значение',
  maxLength: 'Слишком длинное значение',
  arrayMinSize: 'Слишком мало элементов',
  arrayMaxSize: 'Слишком много элементов',
  arrayUnique: 'Элементы не должны повторяться',
  matches: 'Неверный формат',
  isDiaryPassword: `Пароль: ${PASSWORD_RULE_RU}`,
  isSnils: 'Неверный СНИЛС: ожидается формат XXX-XXX-XXX YY с верным контрольным числом',
  isEmail: 'Неверный адрес электронной почты',
  isTimeZone: 'Неизвестный часовой пояс',
  isPastDate: 'Дата должна быть в прошлом',
  nestedValidation: 'Неверный вложенный объект',
};

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const code of Object.keys(e.constraints ?? {})) {
      out.push({ field, code, message: MESSAGES[code] ?? 'Недопустимое значение' });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
