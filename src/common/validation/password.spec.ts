import { passwordProblem } from './password';

describe('passwordProblem: the one rule for diary passwords', () => {
  it('accepts 8+ characters with letters (any alphabet) and digits', () => {
    expect(passwordProblem('Secret-pass-1')).toBeNull();
    expect(passwordProblem('abcdefg1')).toBeNull();
    expect(passwordProblem('пароль2026')).toBeNull();
  });

  it('refuses fewer than 8 characters (counted as characters, not bytes or UTF-16 units)', () => {
    expect(passwordProblem('abc1234')).toBe('tooShort');
    expect(passwordProblem('пар1234')).toBe('tooShort');
  });

  it('refuses more than bcrypt reads (72 bytes), so nothing is cut silently', () => {
    expect(passwordProblem(`a1${'x'.repeat(70)}`)).toBeNull();
    expect(passwordProblem(`a1${'x'.repeat(71)}`)).toBe('tooLong');
    expect(passwordProblem(`1${'я'.repeat(36)}`)).toBe('tooLong'); // 73 bytes
  });

  it('needs both letters and digits', () => {
    expect(passwordProblem('12345678')).toBe('needsLettersAndDigits');
    expect(passwordProblem('abcdefgh')).toBe('needsLettersAndDigits');
    expect(passwordProblem('--------')).toBe('needsLettersAndDigits');
  });

  it('refuses the login itself, in any case', () => {
    expect(passwordProblem('ivanov2012', 'ivanov2012')).toBe('equalsLogin');
    expect(passwordProblem('IVANOV2012', 'ivanov2012')).toBe('equalsLogin');
    expect(passwordProblem('ivanov2012!', 'ivanov2012')).toBeNull();
    expect(passwordProblem('ivanov2012', null)).toBeNull();
  });
});
