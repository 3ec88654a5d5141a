import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** What every offset page carries besides its items (admin lists: `{ items, total, limit, offset }`). */
export class OffsetPageMeta {
  @ApiProperty({ description: 'Rows matching the filter, all pages together' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** What every cursor page carries besides its items (histories and feeds: `{ items, nextCursor }`). */
export class CursorPageMeta {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null when there is none' })
  nextCursor!: string | null;
}

/** What every `?cursor=` feed of changes carries besides its items (`{ items, nextCursor, hasMore }`). */
export class FeedPageMeta {
  @ApiProperty({
    description: 'Pass as `cursor` next time: the position after the last item, or the same cursor when nothing changed (never null)',
  })
  nextCursor!: string;

  @ApiProperty({ deprecated: true, description: 'Deprecated (API v2 drops it): fewer items than `limit` means the feed is caught up' })
  hasMore!: boolean;
}

const page = (meta: Type<unknown>, item: Type<unknown>, description: string): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(meta, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(meta) },
          { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } } },
        ],
      },
    }),
  );

/** The 200 answer of an offset-paged list of `item` (the one way lists are documented: no `Page<T>` left untyped). */
export const ApiOffsetPage = (item: Type<unknown>): MethodDecorator => page(OffsetPageMeta, item, `A page of ${item.name}`);

/** The 200 answer of a cursor-paged history or feed of `item`. */
export const ApiCursorPage = (item: Type<unknown>): MethodDecorator => page(CursorPageMeta, item, `A page of ${item.name}`);

/** The 200 answer of a `?cursor=` feed of changes of `item`, oldest first (deletions as `deleted: true` items). */
export const ApiFeedPage = (item: Type<unknown>): MethodDecorator =>
  page(FeedPageMeta, item, `Changes of ${item.name} after the cursor, oldest first`);
