import { normalizeName } from '../../common/text/person-name';
import { Fio, fioMatches } from './fio';

const fio = (lastName: string, firstName: string, middleName: string | null = null): Fio => ({ lastName, firstName, middleName });

describe('fioMatches', () => {
  it.each<[string, Fio, Fio, boolean]>([
    ['identical', fio('Иванов', 'Иван', 'Иванович'), fio('Иванов', 'Иван', 'Иванович'), true],
    ['case differs', fio('ИВАНОВ', 'иван', 'ИваноВич'), fio('Иванов', 'Иван', 'Иванович'), true],
    ['ё = е in the last name', fio('Семёнова', 'Алёна', 'Петровна'), fio('Семенова', 'Алена', 'Петровна'), true],
    ['Ё capital = е', fio('ЁЛКИНА', 'Дарья'), fio('елкина', 'дарья'), true],
    ['surrounding spaces ignored', fio('  Иванов ', '\tИван', ' Иванович  '), fio('Иванов', 'Иван', 'Иванович'), true],
    ['double inner spaces collapse', fio('Мамин  Сибиряк', 'Дмитрий'), fio('Мамин Сибиряк', 'Дмитрий'), true],
    ['non-breaking space is a space', fio('Мамин\u00a0Сибиряк', 'Дмитрий'), fio('Мамин Сибиряк', 'Дмитрий'), true],
    ['both middle names empty (null / "" / spaces)', fio('Смит', 'Джон', null), fio('Смит', 'Джон', '  '), true],
    ['middle name missing on one side', fio('Иванов', 'Иван', null), fio('Иванов', 'Иван', 'Иванович'), false],
    ['middle name differs', fio('Иванов', 'Иван', 'Петрович'), fio('Иванов', 'Иван', 'Иванович'), false],
    ['maiden name (last name differs)', fio('Петрова', 'Ольга', 'Игоревна'), fio('Кузнецова', 'Ольга', 'Игоревна'), false],
    ['first name differs (parent vs child)', fio('Тестова', 'Елена', 'Викторовна'), fio('Тестова', 'Мария', 'Петровна'), false],
    ['inner space is not ignored', fio('Мамин Сибиряк', 'Дмитрий'), fio('МаминСибиряк', 'Дмитрий'), false],
    ['hyphen is significant', fio('Мамин-Сибиряк', 'Дмитрий'), fio('Мамин Сибиряк', 'Дмитрий'), false],
    ['е does not equal э', fio('Эрин', 'Анна'), fio('Ерин', 'Анна'), false],
    ['parts are not interchangeable', fio('Иван', 'Иванов'), fio('Иванов', 'Иван'), false],
    ['empty names never match', fio('', ''), fio('', ''), false],
  ])('%s', (_name, a, b, expected) => {
    expect(fioMatches(a, b)).toBe(expected);
    expect(fioMatches(b, a)).toBe(expected);
  });

  it('normalizes one part', () => {
    expect(normalizeName('  ЁЖИК   Ёлкин ')).toBe('ежик елкин');
    expect(normalizeName(null)).toBe('');
  });
});
