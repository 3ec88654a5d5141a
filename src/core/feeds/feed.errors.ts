import { AppError } from '../../common/errors/app-error';

export enum FeedErrorCode {
  InvalidCursor = 'INVALID_CURSOR',
  TargetRequired = 'FEED_TARGET_REQUIRED',
}

/** Errors every `?cursor=` feed of changes can answer with (core/feeds). */
export const FeedErrors = {
  /** The feed's `cursor` (or its old name `since`) is not a `nextCursor` this API gave out. */
  invalidCursor: () => new AppError(FeedErrorCode.InvalidCursor, 'Неверный курсор ленты изменений', 400),
  /** A feed that can follow one of several things (a class, a student, a teacher) was given none of them, or more than one. */
  targetRequired: (choices: string[]) =>
    new AppError(FeedErrorCode.TargetRequired, `Укажите ровно один параметр из: ${choices.join(', ')}`, 400, { choices }),
};
