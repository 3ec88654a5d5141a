const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Field-error codes and Russian texts of text no column can store (PostgreSQL refuses NUL; UTF-8 has no lone surrogates). */
export const TEXT_MESSAGES = {
  noNulBytes: 'Недопустимый символ NUL (U+0000)',
  wellFormedUnicode: 'Текст не в кодировке UTF-8 (или содержит одиночный суррогат)',
} as const;

export type TextProblem = keyof typeof TEXT_MESSAGES;

/** What is wrong with a piece of text, if anything: a NUL byte, or a lone UTF-16 surrogate. */
export function textProblem(s: string): TextProblem | null {
  if (s.includes('\u0000')) return 'noNulBytes';
  if (LONE_SURROGATE.test(s)) return 'wellFormedUnicode';
  return null;
}
