import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { Principal } from '../../common/auth/principal';
import { PiiCryptoService } from '../crypto/pii-crypto.service';
import { loggable } from '../logging/loggable';
import { receivedUploadOf } from '../storage/received-uploads';
import { FILE_STORAGE, FileStorage } from '../storage/storage.types';
import { idempotentAttempts } from './idempotency-context';
import { IdempotencyErrors } from './idempotency.errors';
import { IdempotencyStore, RequestIdentity } from './idempotency.store';
import { acceptedUploadCanonical, canonicalJson, legacyBodyHash, repeatedUploadCanonical } from './request-fingerprint';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,100}$/;

/**
 * Idempotency-Key on a create (`@Idempotent()`): the first request with a key runs and its answer is stored; a repeat
 * with the same key and the same request gets that answer (`Idempotent-Replayed: true`) and runs nothing; the same key
 * with another request → 422; a duplicate while the first is in flight waits a little, then 409 with Retry-After.
 * Without the header the route behaves as before. How it stays exact across crashes: docs/architecture.md.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly crypto: PiiCryptoService,
    private readonly reflector: Reflector,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const key = req.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined || !req.user) return next.handle();
    // a header sent twice arrives joined with ", ", which the pattern refuses
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw IdempotencyErrors.keyInvalid();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ??
      (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const id: RequestIdentity = { userId: req.user.userId, key, method: req.method, path: req.originalUrl.split('?')[0] };
    return defer(() => this.carryOut(req, res, next, id, status));
  }

  private async carryOut(req: Request, res: Response, next: CallHandler, id: RequestIdentity, status: number): Promise<unknown> {
    const multipart = Boolean(req.is('multipart/form-data'));
    // a multipart body is known only once read: its hash is bound when the attempt completes
    const hash = multipart ? null : this.hashOf(canonicalJson(req.body));
    const legacy = multipart ? null : legacyBodyHash(req.body);
    const reservation = await this.store.reserve(id, hash, (stored) => stored === hash || stored === legacy);

    if (reservation.kind === 'done') {
      const { answer } = reservation;
      if (multipart) {
        // read (and hash, storing nothing) this body to tell a retry from another request under the same key
        const canonical = await repeatedUploadCanonical(req, res);
        if (canonical === null || answer.requestHash !== this.hashOf(canonical)) throw IdempotencyErrors.keyReused();
      }
      res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      res.status(answer.status);
      return answer.body;
    }

    const attempt = reservation.attempt;
    let result: unknown;
    try {
      result = await idempotentAttempts.run(attempt, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    } catch (e) {
      await this.store
        .release(attempt)
        .catch((err: unknown) => this.logger.warn({ err: loggable(err) }, 'Could not release an idempotency key'));
      throw e;
    }
    try {
      const finalHash = multipart ? this.hashOf(await acceptedUploadCanonical(receivedUploadOf(req), this.storage)) : null;
      if (!(await this.store.complete(attempt, status, result, finalHash))) {
        this.logger.warn({ path: id.path }, 'An idempotency key was taken over before its attempt completed');
      }
    } catch (err) {
      // the write is done and stays done; a retry learns the answer is lost (IDEMPOTENCY_ANSWER_LOST) instead of writing twice
      this.logger.warn({ err: loggable(err), path: id.path }, 'Could not store the answer of an idempotent request');
    }
    return result;
  }

  /** Keyed hash: request bodies may hold passwords and personal data, so a plain hash could be guessed back. */
  private hashOf(canonical: string): string {
    return this.crypto.lookupHash('idempotent-request', canonical);
  }
}
