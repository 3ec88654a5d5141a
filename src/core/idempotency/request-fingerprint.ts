import type { Request, Response } from 'express';
import multer from 'multer';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageErrors } from '../storage/storage.errors';
import { FileStorage } from '../storage/storage.types';
import { ReceivedUpload } from '../storage/received-uploads';

/** JSON with sorted keys and no `undefined` members, so the same body always reads the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** How keys stored before the move were hashed (plain SHA-256 of the body): only compared, never written. */
export const legacyBodyHash = (body: unknown): string => `legacy:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;

const sha256Of = async (stream: Readable): Promise<{ size: number; sha256: string }> => {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(stream, async function (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      size += chunk.length;
      hash.update(chunk);
    }
  });
  return { size, sha256: hash.digest('hex') };
};

/**
 * The canonical text of a multipart request: its text fields (as multer read them) and, for each file in the
 * order sent, its size and SHA-256. File names are left out (a phone may rename a retried file; the bytes decide).
 */
const multipartCanonical = (fields: Record<string, unknown>, files: Array<{ size: number; sha256: string }>): string =>
  canonicalJson({ fields: { ...fields }, files: files.map((f) => [f.size, f.sha256]) });

/** The canonical text of an upload the handler accepted; the files are read back from the storage to hash them. */
export async function acceptedUploadCanonical(upload: ReceivedUpload | undefined, storage: FileStorage): Promise<string> {
  if (!upload) return multipartCanonical({}, []);
  const files: Array<{ size: number; sha256: string }> = [];
  for (const f of upload.files) files.push(await sha256Of(await storage.read(f.key)));
  return multipartCanonical(upload.fields, files);
}

/** Bounds of the check-only read of a repeated multipart request (nothing is stored; the first was within its route's limits). */
const CHECK_LIMITS = { files: 20, fileSize: 200 * 1024 * 1024, fields: 50, fieldSize: 64 * 1024, parts: 70 };

/**
 * Reads a repeated multipart request with the same parser UploadReceiver uses (multer), hashing each file as it
 * streams by instead of storing it, and returns its canonical text; `null` when it cannot be the same request
 * (over the bounds). A body that is not readable multipart → MALFORMED_UPLOAD.
 */
export async function repeatedUploadCanonical(req: Request, res: Response): Promise<string | null> {
  const engine = {
    _handleFile(_req: Request, file: { stream: Readable }, cb: (err: unknown, info?: { size: number; sha256: string }) => void): void {
      sha256Of(file.stream).then((info) => cb(null, info), cb);
    },
    _removeFile(_req: Request, _file: unknown, cb: (err: Error | null) => void): void {
      cb(null);
    },
  };
  const middleware = multer({ storage: engine, defParamCharset: 'utf8', limits: CHECK_LIMITS }).any();
  try {
    await new Promise<void>((resolve, reject) => middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  } catch (e) {
    if (e instanceof multer.MulterError && e.code.startsWith('LIMIT_')) return null;
    throw StorageErrors.malformedUpload();
  }
  const files = ((req as unknown as { files?: Array<{ size: number; sha256: string }> }).files ?? []).map((f) => ({
    size: f.size,
    sha256: f.sha256,
  }));
  return multipartCanonical((req.body as Record<string, unknown>) ?? {}, files);
}
