import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { LocalDiskStorage } from './local-disk.storage';
import { FILE_STORAGE } from './storage.types';
import { UploadReceiver } from './upload-receiver';

/** File storage behind the FileStorage interface (local disk under STORAGE_DIR) and the multipart receiver. */
@Global()
@Module({
  providers: [
    { provide: FILE_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalDiskStorage(config.diary.storageDir) },
    UploadReceiver,
  ],
  exports: [FILE_STORAGE, UploadReceiver],
})
export class StorageModule {}
