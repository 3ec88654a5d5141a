import { AppError } from '../../common/errors/app-error';

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
  fileTooLarge: (maxBytes: number) =>
    new AppError(StorageErrorCode.FileTooLarge, `Файл слишком большой: допускается не более ${formatBytes(maxBytes)}`, 413, { maxBytes }),
  fileTypeNotAllowed: (allowed: string[]) =>
    new AppError(StorageErrorCode.FileTypeNotAllowed, `Недопустимый тип файла. Разрешены: ${allowed.join(', ')}`, 415, { allowed }),
  tooManyFiles: (max: number) => new AppError(StorageErrorCode.TooManyFiles, `Слишком много файлов: не более ${max} за раз`, 400, { max }),
  fileRequired: () => new AppError(StorageErrorCode.FileRequired, 'Приложите файл', 400),
  fileNotFound: () => new AppError(StorageErrorCode.FileNotFound, 'Файл не найден', 404),
  malformedUpload: () => new AppError(StorageErrorCode.MalformedUpload, 'Не удалось прочитать загружаемые данные (ожидается multipart/form-data)', 400),
  /** A text field of an upload form is longer than the form allows (64 KB). */
  fieldTooLarge: (maxBytes: number) =>
    new AppError(StorageErrorCode.FieldTooLarge, `Слишком длинное текстовое поле: допускается не более ${formatBytes(maxBytes)}`, 413, { maxBytes }),
  /** An upload form has more parts (text fields and files) than it allows. */
  tooManyParts: (max: number) => new AppError(StorageErrorCode.TooManyParts, `Слишком много частей в запросе: не более ${max}`, 400, { max }),
};

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} МБ`;
  if (n >= 1024) return `${Math.round(n / 1024)} КБ`;
  return `${n} Б`;
}
