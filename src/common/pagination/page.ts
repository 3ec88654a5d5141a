import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInt } from '../validation/numbers';

export const MAX_PAGE_SIZE = 200;
/** No list is paged this deep; the bound keeps `offset` a small integer all the way to SQL. */
export const MAX_OFFSET = 1_000_000;

/**
 * The one way to declare paging query parameters (every list uses these two): plain decimal integers
 * within bounds, anything else (`1e308`, `-1`, `0x10`, `1.5`, repeated) is a 400 VALIDATION_FAILED.
 */
export function LimitParam(max: number = MAX_PAGE_SIZE, def = 50): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max, default: def }), IsOptional(), QueryInt(1, max));
}

export function OffsetParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 }),
    IsOptional(),
    QueryInt(0, MAX_OFFSET),
  );
}

export class PageQueryDto {
  @LimitParam()
  limit: number = 50;

  @OffsetParam()
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const page = <T>(items: T[], total: number, q: PageQueryDto): Page<T> => ({ items, total, limit: q.limit, offset: q.offset });
