import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../core/redis/redis.module';
import type { NewDevice } from './push-devices.repository';

/** How long the code of a confirmation push is valid. */
export const CLAIM_TTL_SEC = 600;
/** At most one confirmation push per push address in this window (a push to someone else's device is not free). */
export const CLAIM_THROTTLE_SEC = 60;

const sha = (s: string): string => createHash('sha256').update(s).digest('base64url');

/**
 * Pending moves of a push device to another user (Redis, with a TTL): the device must prove it is the
 * caller's by echoing a code sent to it in a push (see PushDevicesService.register). Only a hash of
 * the code is stored; a code is single use and bound to the user who asked.
 */
@Injectable()
export class DeviceClaims {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Seconds until another confirmation push may go to this address; 0 when one may go now (and it is reserved). */
  async reserveSend(kind: string, address: string): Promise<number> {
    const key = `push-claim:address:${sha(`${kind}:${address}`)}`;
    if ((await this.redis.set(key, '1', 'EX', CLAIM_THROTTLE_SEC, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.redis.ttl(key));
  }

  async releaseSend(kind: string, address: string): Promise<void> {
    await this.redis.del(`push-claim:address:${sha(`${kind}:${address}`)}`);
  }

  /** Stores a claim; returns its code (22 URL-safe base64 characters, 128 bits). */
  async create(device: NewDevice): Promise<string> {
    const code = randomBytes(16).toString('base64url');
    await this.redis.set(`push-claim:code:${sha(code)}`, JSON.stringify(device), 'EX', CLAIM_TTL_SEC);
    return code;
  }

  async drop(code: string): Promise<void> {
    await this.redis.del(`push-claim:code:${sha(code)}`);
  }

  /** Takes (and so ends) the claim of a code; null when unknown or expired. */
  async take(code: string): Promise<NewDevice | null> {
    const raw = await this.redis.getdel(`push-claim:code:${sha(code)}`);
    return raw ? (JSON.parse(raw) as NewDevice) : null;
  }
}
