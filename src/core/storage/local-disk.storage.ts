import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageErrors } from './storage.errors';
import { FileStorage, StoredObject, WriteOptions } from './storage.types';

const KEY_PATTERN = /^[a-z]{1,20}\/\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Counts bytes as they pass and fails the stream past the limit. */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) cb(StorageErrors.fileTooLarge(this.maxBytes));
    else cb(null, chunk);
  }
}

/** Files on local disk under STORAGE_DIR; keys are generated here, so user input never names a path. */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async write(source: Readable, options: WriteOptions): Promise<StoredObject> {
    if (!/^[a-z]{1,20}$/.test(options.area)) throw new Error(`Invalid storage area "${options.area}"`);
    const now = new Date();
    const key = `${options.area}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
    const path = this.pathOf(key);
    const part = `${path}.part`;
    await mkdir(dirname(path), { recursive: true });
    const limit = new ByteLimit(options.maxBytes);
    try {
      await pipeline([source, ...(options.transforms ?? []), limit, createWriteStream(part, { flags: 'wx', mode: 0o640 })]);
      await rename(part, path);
    } catch (e) {
      await unlink(part).catch(() => undefined);
      source.resume?.();
      throw e;
    }
    return { key, size: limit.bytes };
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      throw StorageErrors.fileNotFound();
    }
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw StorageErrors.fileNotFound();
    return join(this.root, key);
  }
}
