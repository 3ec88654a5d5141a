import { resolve } from 'node:path';
import { EnvReader } from './env';

// ---------------------------------------------------------------------------------------------
// Diary configuration (types and defaults)
// ---------------------------------------------------------------------------------------------

export interface DiaryConfig {
  /** Where uploaded files live (local disk storage); absolute, resolved against the working directory. */
  storageDir: string;
  /** Largest homework/submission attachment, bytes. */
  uploadMaxFileBytes: number;
  /** Most files in one upload request. */
  uploadMaxFiles: number;
  /** Allowed attachments: lower-case extension → allowed content types (the extension and the declared type must both match). */
  uploadAllowedTypes: Record<string, string[]>;
  /** Largest grade import file, bytes. */
  importMaxFileBytes: number;
  /** Most data rows in one grade import. */
  importMaxRows: number;
  /** Minutes before a lesson when the reminder goes out. */
  lessonReminderMinutes: number;
}

/** Attachment types allowed by default (UPLOAD_ALLOWED_TYPES overrides: "pdf:application/pdf,jpg:image/jpeg|image/pjpeg"). */
export const DEFAULT_UPLOAD_TYPES: Record<string, string[]> = {
  pdf: ['application/pdf'],
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  png: ['image/png'],
  txt: ['text/plain'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  pptx: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  odt: ['application/vnd.oasis.opendocument.text'],
};

/**
 * Diary configuration (STORAGE_DIR, UPLOAD_*, IMPORT_*, LESSON_REMINDER_MINUTES).
 */
export function loadDiaryConfig(r: EnvReader): DiaryConfig {
  const { str, int, problems } = r;
  const uploadAllowedTypes: Record<string, string[]> = {};
  const rawTypes = str('UPLOAD_ALLOWED_TYPES');
  if (rawTypes === undefined) Object.assign(uploadAllowedTypes, DEFAULT_UPLOAD_TYPES);
  else {
    for (const item of rawTypes
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^([a-z0-9]{1,10}):([a-z0-9.+/-]+(?:\|[a-z0-9.+/-]+)*)$/.exec(item.toLowerCase());
      if (!m) problems.push(`UPLOAD_ALLOWED_TYPES: "${item}" is not "ext:type[|type]"`);
      else uploadAllowedTypes[m[1]] = m[2].split('|');
    }
  }
  const diary: DiaryConfig = {
    storageDir: resolve(str('STORAGE_DIR') ?? './var/storage'),
    uploadMaxFileBytes: int('UPLOAD_MAX_FILE_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    uploadMaxFiles: int('UPLOAD_MAX_FILES', 5, 1, 50),
    uploadAllowedTypes,
    importMaxFileBytes: int('IMPORT_MAX_FILE_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    importMaxRows: int('IMPORT_MAX_ROWS', 100_000, 1, 1_000_000),
    lessonReminderMinutes: int('LESSON_REMINDER_MINUTES', 10, 1, 120),
  };
  return diary;
}
