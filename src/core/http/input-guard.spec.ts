import { AppError } from '../../common/errors/app-error';
import { BODY_LIMITS, checkBody, checkUrl } from './input-guard';

function refusal(fn: () => void): { code: string; details: unknown } | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, details: e.details };
  }
}

/** Nested `levels` deep without recursion (JSON.parse of a deep text would work too, slower). */
function nested(levels: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('checkBody', () => {
  it('accepts what the DTOs take: a few levels, lists up to the cap, ordinary Russian text', () => {
    expect(
      refusal(() => checkBody({ lessonId: 'x', grades: Array.from({ length: 60 }, () => ({ value: 5, comment: 'Молодец! 👍' })) })),
    ).toBeNull();
    expect(refusal(() => checkBody(nested(BODY_LIMITS.maxDepth - 1)))).toBeNull();
    expect(refusal(() => checkBody({ a: new Array(BODY_LIMITS.maxArrayLength).fill(0) }))).toBeNull();
  });

  it('refuses nesting past the limit, however deep, without overflowing its own stack', () => {
    expect(refusal(() => checkBody(nested(BODY_LIMITS.maxDepth + 1)))).toMatchObject({
      code: 'MALFORMED_REQUEST',
      details: { limit: 'depth', max: BODY_LIMITS.maxDepth },
    });
    expect(refusal(() => checkBody(nested(200_000)))).toMatchObject({
      code: 'MALFORMED_REQUEST',
      details: { limit: 'depth', max: BODY_LIMITS.maxDepth },
    });
    expect(refusal(() => checkBody(JSON.parse('['.repeat(5000) + ']'.repeat(5000))))).toMatchObject({
      code: 'MALFORMED_REQUEST',
      details: { limit: 'depth', max: BODY_LIMITS.maxDepth },
    });
  });

  it('refuses long arrays, wide objects and bodies with too many values', () => {
    expect(refusal(() => checkBody({ a: new Array(BODY_LIMITS.maxArrayLength + 1).fill(0) }))).toMatchObject({
      code: 'MALFORMED_REQUEST',
      details: { field: 'a', limit: 'arrayLength' },
    });
    expect(
      refusal(() => checkBody(Object.fromEntries(Array.from({ length: BODY_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, 0])))),
    ).toMatchObject({ code: 'MALFORMED_REQUEST', details: { limit: 'keys' } });
    const wide = { a: Array.from({ length: 20 }, () => new Array(900).fill(0)) };
    expect(refusal(() => checkBody(wide))).toMatchObject({ code: 'MALFORMED_REQUEST', details: { limit: 'nodes' } });
  });

  it('refuses NUL bytes and lone surrogates anywhere, naming the field as the ValidationPipe does', () => {
    expect(refusal(() => checkBody({ grades: [{ comment: 'ok' }, { comment: 'a\u0000b' }] }))).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'grades.1.comment', code: 'noNulBytes', message: expect.any(String) }],
    });
    expect(refusal(() => checkBody({ name: 'x\ud800' }))).toMatchObject({ details: [{ field: 'name', code: 'wellFormedUnicode' }] });
    expect(refusal(() => checkBody({ name: '\udc00x' }))).toMatchObject({ details: [{ field: 'name', code: 'wellFormedUnicode' }] });
    expect(refusal(() => checkBody({ 'a\u0000': 1 }))).toMatchObject({ details: [{ field: 'a\ufffd', code: 'noNulBytes' }] });
    expect(refusal(() => checkBody({ emoji: '😀' }))).toBeNull(); // a surrogate pair is fine
  });
});

describe('checkUrl', () => {
  it("accepts ordinary paths and queries, Cyrillic and malformed escapes included (those are the validators' business)", () => {
    expect(refusal(() => checkUrl('/api/v1/admin/users?q=%D0%98%D0%B2%D0%B0%D0%BD&limit=10'))).toBeNull();
    expect(refusal(() => checkUrl('/api/v1/admin/users?q=%zz&q2=100%'))).toBeNull();
    expect(refusal(() => checkUrl('/api/v1/grades/7c3c0e2a-1d2b-4c1a-9f7e-1a2b3c4d5e6f'))).toBeNull();
  });

  it('refuses NUL bytes, invalid UTF-8 and encoded surrogates in a query parameter, naming it', () => {
    expect(refusal(() => checkUrl('/x?limit=10&q=a%00b'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'q', code: 'noNulBytes' }],
    });
    expect(refusal(() => checkUrl('/x?q=%FF%FE'))).toMatchObject({ details: [{ field: 'q', code: 'wellFormedUnicode' }] });
    expect(refusal(() => checkUrl('/x?q=%ED%A0%80'))).toMatchObject({ details: [{ field: 'q', code: 'wellFormedUnicode' }] });
    expect(refusal(() => checkUrl('/x?%00=1'))).toMatchObject({ details: [{ field: 'query' }] });
  });

  it('refuses them in the path too', () => {
    expect(refusal(() => checkUrl('/api/v1/grades/a%00b'))).toMatchObject({ details: [{ field: 'path', code: 'noNulBytes' }] });
    expect(refusal(() => checkUrl('/api/v1/grades/%FF'))).toMatchObject({ details: [{ field: 'path', code: 'wellFormedUnicode' }] });
  });
});
