import { AppError } from '../../common/errors/app-error';

/** Upload and stored-file codes; FILE_NOT_FOUND is defined here only (homework and messaging files use it). */
export enum StorageErrorCode {
  FileTooLarge = 'FILE_TOO_LARGE',
  FileTypeNotAllowed = 'FILE_TYPE_NOT_ALLOWED',
  TooManyFiles = 'TOO_MANY_FILES',
  FileRequired = 'FILE_REQUIRED',
  FileNotFound = 'FILE_NOT_FOUND',
  MalformedUpload = 'MALFORMED_UPLOAD',
  FieldTooLarge = 'FIELD_TOO_LARGE',
  TooManyParts = 'TOO_MANY_PARTS',
}

export const StorageErrors = {
  /**
   * A file of the upload is larger than the route takes (`details.maxBytes`; homework and message files and grade
   * imports have limits of their own). Nothing of the upload was kept.
   */
  fileTooLarge: (maxBytes: number) =>
    new AppError(StorageErrorCode.FileTooLarge, `Файл слишком большой: допускается не более ${formatBytes(maxBytes)}`, 413, { maxBytes }),
  /**
   * A file's extension or declared type is not on the route's list, or its content does not match its extension
   * (a renamed executable); `details.allowed` lists the extensions. Nothing of the upload was kept.
   */
  fileTypeNotAllowed: (allowed: string[]) =>
    new AppError(StorageErrorCode.FileTypeNotAllowed, `Недопустимый тип файла. Разрешены: ${allowed.join(', ')}`, 415, { allowed }),
  /** The upload has more files than the route takes at once (`details.max`): send the rest in another request. */
  tooManyFiles: (max: number) => new AppError(StorageErrorCode.TooManyFiles, `Слишком много файлов: не более ${max} за раз`, 400, { max }),
  /** The route needs at least one file (homework attachments, a grade import) and the upload has none. */
  fileRequired: () => new AppError(StorageErrorCode.FileRequired, 'Приложите файл', 400),
  /**
   * The file does not exist or the caller may not see it (the two read the same): a homework attachment needs
   * access to the homework, a submission file access to that student's work, removing an attachment the homework's
   * teacher. Also when the row is there but the stored file is gone.
   */
  fileNotFound: () => new AppError(StorageErrorCode.FileNotFound, 'Файл не найден', 404),
  /** The body is not multipart/form-data, or is cut short or broken (a part without a name, a wrong boundary, a nested field name). */
  malformedUpload: () =>
    new AppError(StorageErrorCode.MalformedUpload, 'Не удалось прочитать загружаемые данные (ожидается multipart/form-data)', 400),
  /** Files came in another form field than the route reads, or more of them than it takes there; the message names the field and the limit. */
  unexpectedFileField: (field: string, maxFiles: number) =>
    new AppError(StorageErrorCode.MalformedUpload, `Файлы принимаются только в поле «${field}» (не более ${maxFiles})`, 400),
  /** A text field of an upload form is longer than the form allows (64 KB). */
  fieldTooLarge: (maxBytes: number) =>
    new AppError(StorageErrorCode.FieldTooLarge, `Слишком длинное текстовое поле: допускается не более ${formatBytes(maxBytes)}`, 413, {
      maxBytes,
    }),
  /** An upload form has more parts (text fields and files) than it allows. */
  tooManyParts: (max: number) =>
    new AppError(StorageErrorCode.TooManyParts, `Слишком много частей в запросе: не более ${max}`, 400, { max }),
};

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} МБ`;
  if (n >= 1024) return `${Math.round(n / 1024)} КБ`;
  return `${n} Б`;
}
