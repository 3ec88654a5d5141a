import { normalizeName } from './person-name';

describe('normalizeName', () => {
  it.each<[string, string | null | undefined, string]>([
    ['lower-cases Cyrillic', 'ИВАНОВ Иван', 'иванов иван'],
    ['ё = е, small', 'Семёнова Алёна', 'семенова алена'],
    ['Ё = е, capital', 'ЁЛКИНА', 'елкина'],
    ['drops surrounding spaces and tabs', '  \tИванов \n', 'иванов'],
    ['collapses inner runs of spaces', 'Мамин   Сибиряк', 'мамин сибиряк'],
    ['NBSP is a space', 'Мамин\u00a0Сибиряк', 'мамин сибиряк'],
    ['keeps hyphens', 'Мамин-Сибиряк', 'мамин-сибиряк'],
    ['keeps е and э apart', 'Эрин', 'эрин'],
    ['does not join words', 'Мамин Сибиряк', 'мамин сибиряк'],
    ['Latin too', ' Smith  JOHN ', 'smith john'],
    ['null is empty', null, ''],
    ['undefined is empty', undefined, ''],
    ['only spaces is empty', ' \u00a0 ', ''],
  ])('%s', (_name, input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('makes a full name typed by hand equal to the profile', () => {
    expect(normalizeName('  петров   пётр  ПЕТРОВИЧ')).toBe(normalizeName('Петров Пётр Петрович'));
  });
});
