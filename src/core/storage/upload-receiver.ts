import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import multer from 'multer';
import { extname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { AppError, validationFailed } from '../../common/errors/app-error';
import { textProblem } from '../../common/validation/text';
import { badText } from '../http/input-guard';
import { flattenValidationErrors } from '../http/validation';
import { noteReceivedUpload, ReceivedFile } from './received-uploads';

export type { ReceivedFile } from './received-uploads';
import { StorageErrors } from './storage.errors';
import { FILE_STORAGE, FileStorage } from './storage.types';

/** The part of multer's file description the storage engine reads. */
interface MulterFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  stream: Readable;
}

export interface UploadSpec {
  /** Name of the multipart file field. */
  field: string;
  maxFiles: number;
  maxBytes: number;
  /** Lower-case extension → allowed declared content types. */
  allowed: Record<string, string[]>;
  /** Storage area of the written objects. */
  area: string;
  /** At least one file is required. */
  required?: boolean;
}

/** Known signatures: a file claiming one of these extensions must start with it. */
const MAGIC: Record<string, Buffer[]> = {
  pdf: [Buffer.from('%PDF')],
  png: [Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  jpg: [Buffer.from([0xff, 0xd8, 0xff])],
  jpeg: [Buffer.from([0xff, 0xd8, 0xff])],
  gif: [Buffer.from('GIF8')],
  docx: [Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  xlsx: [Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  pptx: [Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  odt: [Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  zip: [Buffer.from([0x50, 0x4b, 0x03, 0x04])],
};
const TEXT_EXTENSIONS = new Set(['txt', 'csv', 'md']);

/** Checks the first bytes against the extension (text files: no NUL bytes in the first chunk). */
class SignatureCheck extends Transform {
  private head = Buffer.alloc(0);
  private checked = false;
  constructor(
    private readonly ext: string,
    private readonly onFail: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    if (!this.checked) {
      this.head = Buffer.concat([this.head, chunk]).subarray(0, 512);
      if (this.head.length >= 8) {
        this.checked = true;
        if (!this.ok()) return cb(this.onFail());
      }
    }
    cb(null, chunk);
  }
  override _flush(cb: (e?: Error | null) => void): void {
    if (!this.checked && !this.ok()) return cb(this.onFail());
    cb();
  }
  private ok(): boolean {
    const sigs = MAGIC[this.ext];
    if (sigs) return sigs.some((s) => this.head.subarray(0, s.length).equals(s));
    if (TEXT_EXTENSIONS.has(this.ext)) return !this.head.includes(0);
    return true;
  }
}

/** Multipart limits besides the spec's file count and size (docs/security.md). */
export const FORM_LIMITS = { fields: 20, fieldSize: 64 * 1024, fieldNameSize: 100 } as const;

/**
 * A text of the form (field value or file name) must be well-formed: no NUL, no lone surrogate, and no
 * U+FFFD, which is what busboy makes of bytes that are not UTF-8 (so a literal U+FFFD is refused too).
 */
function formTextProblem(s: string): ReturnType<typeof textProblem> {
  return textProblem(s) ?? (s.includes('\ufffd') ? 'wellFormedUnicode' : null);
}

/** Keeps letters, digits and a few safe characters; the name is never used as a path. */
export function cleanFileName(name: string): string {
  const base = name.replace(/^.*[\\/]/, '').normalize('NFC');
  const cleaned = base
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(-150);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

/**
 * Receives multipart/form-data: each file is streamed straight into the storage (size limit,
 * extension + declared type allow-list, signature check); text fields are validated with a DTO.
 * Nothing is buffered whole; on any failure every file written so far is removed.
 */
@Injectable()
export class UploadReceiver {
  constructor(@Inject(FILE_STORAGE) private readonly storage: FileStorage) {}

  async receive<T extends object>(
    req: Request,
    res: Response,
    spec: UploadSpec,
    fieldsDto?: new () => T,
  ): Promise<{ fields: T; files: ReceivedFile[] }> {
    if (!req.is('multipart/form-data')) throw StorageErrors.malformedUpload();
    const allowedList = Object.keys(spec.allowed).map((e) => `.${e}`);
    const storage = this.storage;
    const written: ReceivedFile[] = [];
    const engine = {
      _handleFile(_req: Request, file: MulterFile, cb: (err: unknown, info?: Partial<ReceivedFile>) => void): void {
        const nameProblem = formTextProblem(file.originalname);
        if (nameProblem) {
          file.stream.resume();
          return cb(badText(`${file.fieldname}.filename`, nameProblem));
        }
        const ext = extname(file.originalname).slice(1).toLowerCase();
        const types = spec.allowed[ext];
        const mime = (file.mimetype || '').toLowerCase();
        if (!types || !(types.includes(mime) || mime === 'application/octet-stream')) {
          file.stream.resume();
          return cb(StorageErrors.fileTypeNotAllowed(allowedList));
        }
        const signature = new SignatureCheck(ext, () => StorageErrors.fileTypeNotAllowed(allowedList));
        storage
          .write(file.stream, { area: spec.area, maxBytes: spec.maxBytes, transforms: [signature] })
          .then((o) => {
            const info: ReceivedFile = {
              key: o.key,
              size: o.size,
              originalName: cleanFileName(file.originalname),
              contentType: types[0],
              extension: ext,
            };
            written.push(info);
            cb(null, info);
          })
          .catch((e: unknown) => {
            file.stream.resume();
            cb(e);
          });
      },
      _removeFile(_req: Request, file: Partial<ReceivedFile>, cb: (err: Error | null) => void): void {
        if (!file.key) return cb(null);
        storage.remove(file.key).then(
          () => cb(null),
          (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
        );
      },
    };
    const middleware = multer({
      storage: engine,
      // Browsers send UTF-8 file names ("задание.pdf"); busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      // fieldNestingDepth 0: no `a[b]` names, the forms are flat (a nested name is MALFORMED_UPLOAD)
      limits: {
        ...FORM_LIMITS,
        files: spec.maxFiles,
        fileSize: spec.maxBytes,
        parts: spec.maxFiles + FORM_LIMITS.fields,
        fieldNestingDepth: 0,
      },
    }).array(spec.field, spec.maxFiles);

    try {
      await new Promise<void>((resolve, reject) => middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    } catch (e) {
      await Promise.all(written.map((f) => storage.remove(f.key).catch(() => undefined)));
      throw mapUploadError(e, spec);
    }
    const files = ((req as unknown as { files?: ReceivedFile[] }).files ?? []).map((f) => ({
      key: f.key,
      size: f.size,
      originalName: f.originalName,
      contentType: f.contentType,
      extension: f.extension,
    }));
    try {
      if (spec.required && files.length === 0) throw StorageErrors.fileRequired();
      const raw = { ...((req.body as Record<string, unknown>) ?? {}) };
      for (const [name, value] of Object.entries(raw)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          const problem = typeof v === 'string' ? formTextProblem(v) : null;
          if (problem) throw badText(name, problem);
        }
      }
      let fields = raw as T;
      if (fieldsDto) {
        fields = plainToInstance(fieldsDto, raw);
        const errors = await validate(fields, { whitelist: true, forbidNonWhitelisted: true });
        if (errors.length) throw validationFailed(flattenValidationErrors(errors));
      }
      noteReceivedUpload(req, { fields: raw, files });
      return { fields, files };
    } catch (e) {
      await this.discard(files);
      throw e;
    }
  }

  /** Removes files received for a request that then failed. */
  async discard(files: ReceivedFile[]): Promise<void> {
    await Promise.all(files.map((f) => this.storage.remove(f.key).catch(() => undefined)));
  }
}

/**
 * Everything multer and busboy can fail with is the client's bytes (a part without a name, a truncated
 * body, a wrong boundary, too many parts, …): a 4xx with a code. Only failures of our own storage
 * (a file system error, with an errno) stay as they are, for the 500 or 503 they deserve.
 */
function mapUploadError(e: unknown, spec: UploadSpec): unknown {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; errno?: number; syscall?: string; name?: string } | undefined;
  switch (err?.code) {
    case 'LIMIT_FILE_SIZE':
      return StorageErrors.fileTooLarge(spec.maxBytes);
    case 'LIMIT_FILE_COUNT':
      return StorageErrors.tooManyFiles(spec.maxFiles);
    case 'LIMIT_UNEXPECTED_FILE':
      return StorageErrors.unexpectedFileField(spec.field, spec.maxFiles);
    case 'LIMIT_FIELD_VALUE':
      return StorageErrors.fieldTooLarge(FORM_LIMITS.fieldSize);
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
      return StorageErrors.tooManyParts(spec.maxFiles + FORM_LIMITS.fields);
  }
  if (err && typeof err.errno === 'number' && typeof err.syscall === 'string') return e; // our disk, not their bytes
  return StorageErrors.malformedUpload();
}
