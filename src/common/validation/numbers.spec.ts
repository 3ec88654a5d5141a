import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { PageQueryDto, MAX_OFFSET } from '../pagination/page';
import { IsBigIntString } from './numbers';
import { OptionalNotNull } from './optional';
import { IsString } from 'class-validator';

const errorsOf = async <T extends object>(cls: new () => T, plain: object): Promise<Record<string, string[]>> => {
  const errors = await validate(plainToInstance(cls, plain));
  return Object.fromEntries(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})]));
};

describe('paging parameters (QueryInt)', () => {
  it('takes plain decimal integers within bounds, and defaults', async () => {
    const q = plainToInstance(PageQueryDto, { limit: '10', offset: '20' });
    expect(q).toMatchObject({ limit: 10, offset: 20 });
    expect(await validate(q)).toEqual([]);
    expect(plainToInstance(PageQueryDto, {})).toMatchObject({ limit: 50, offset: 0 });
  });

  it.each(['1e308', '1e3', '0x10', '1.5', 'NaN', '-1', '', ' 1', '99999999999999999999', String(MAX_OFFSET + 1)])(
    'refuses offset=%p',
    async (v) => {
      expect(await errorsOf(PageQueryDto, { offset: v })).toHaveProperty('offset');
    },
  );

  it('refuses a repeated parameter (an array)', async () => {
    expect(await errorsOf(PageQueryDto, { limit: ['1', '2'] })).toHaveProperty('limit');
  });
});

class Cursor {
  @IsOptional() @IsBigIntString() cursor?: string;
}

describe('IsBigIntString', () => {
  it('takes positive decimals PostgreSQL bigint can hold, nothing larger', async () => {
    expect(await errorsOf(Cursor, { cursor: '9223372036854775807' })).toEqual({});
    expect(await errorsOf(Cursor, { cursor: '9223372036854775808' })).toHaveProperty('cursor');
    for (const v of ['0', '-1', '1e3', '01', '99999999999999999999'])
      expect(await errorsOf(Cursor, { cursor: v })).toHaveProperty('cursor');
  });
});

class Patch {
  @OptionalNotNull() @IsString() name?: string;
}

describe('OptionalNotNull', () => {
  it('lets the field be left out, and refuses null (isNotNull)', async () => {
    expect(await errorsOf(Patch, {})).toEqual({});
    expect(await errorsOf(Patch, { name: 'x' })).toEqual({});
    expect((await errorsOf(Patch, { name: null })).name).toContain('isNotNull');
  });
});
