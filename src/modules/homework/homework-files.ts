import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { loggable } from '../../core/logging/loggable';
import { FILE_STORAGE, FileStorage } from '../../core/storage/storage.types';
import { UploadSpec } from '../../core/storage/upload-receiver';

/** The files of homework and submissions in storage: what an upload may hold, and removing the ones whose rows are gone. */
@Injectable()
export class HomeworkStoredFiles {
  // The log context of these warnings before the service was split.
  private readonly logger = new Logger('HomeworkService');

  constructor(
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  uploadSpec(area: string): UploadSpec {
    const d = this.config.diary;
    return { field: 'files', maxFiles: d.uploadMaxFiles, maxBytes: d.uploadMaxFileBytes, allowed: d.uploadAllowedTypes, area };
  }

  /** Files whose rows are gone (after commit); a leftover file is harmless, a missing one is not. */
  async removeStored(keys: string[]): Promise<void> {
    for (const k of keys)
      await this.storage.remove(k).catch((e: unknown) => this.logger.warn({ err: loggable(e) }, 'Could not remove a stored file'));
  }
}
