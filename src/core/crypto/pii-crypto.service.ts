import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

const VERSION = 1;

/**
 * Encryption of personal data at rest (AES-256-GCM) and keyed hashes for exact lookup (HMAC-SHA-256).
 * Ciphertext layout: version(1) | iv(12) | tag(16) | data. The lookup key is derived from the data key
 * with HKDF, so the two never coincide.
 */
@Injectable()
export class PiiCryptoService {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.encKey = Buffer.from(hkdfSync('sha256', config.dataEncryptionKey, Buffer.alloc(0), 'diary-pii-encryption-v1', 32));
    this.hashKey = Buffer.from(hkdfSync('sha256', config.dataEncryptionKey, Buffer.alloc(0), 'diary-pii-lookup-v1', 32));
  }

  encrypt(plain: string, associatedData: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), data]);
  }

  decrypt(blob: Buffer, associatedData: string): string {
    if (blob.length < 29 || blob[0] !== VERSION) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, blob.subarray(1, 13));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(blob.subarray(13, 29));
    return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
  }

  lookupHash(purpose: string, value: string): string {
    return createHmac('sha256', this.hashKey).update(`${purpose}\u0000${value}`).digest('hex');
  }
}
