import type { Request } from 'express';
import type { Metadata, StateStore, StateStoreStoreCallback, StateStoreVerifyCallback } from 'passport-oauth2';
import { esiaFlow, EsiaFlowRequest } from './esia-flow-request';

/**
 * passport-oauth2's state store, over our Redis states (esia-flow.store.ts) instead of a session (there is
 * none). The state is signed into the authorization request, and signing is asynchronous, so EsiaLoginGuard
 * creates it (bound to the browser cookie) before passport runs and `store` hands that one over; likewise
 * EsiaCallbackGuard takes it (single use, this browser's) before passport — also when ESIA answered with an
 * error, which passport-oauth2 looks at before the state — and `verify` reports what it found.
 */
export class EsiaStateStore implements StateStore {
  store(req: Request, callback: StateStoreStoreCallback): void;
  store(req: Request, meta: Metadata, callback: StateStoreStoreCallback): void;
  store(req: Request, metaOrCallback: Metadata | StateStoreStoreCallback, last?: StateStoreStoreCallback): void {
    const callback = last ?? (metaOrCallback as StateStoreStoreCallback);
    const started = esiaFlow(req as EsiaFlowRequest).started;
    if (!started) return callback(new Error('no ESIA state was created for this request'), undefined);
    callback(null, started.state);
  }

  verify(req: Request, state: string, callback: StateStoreVerifyCallback): void;
  verify(req: Request, state: string, meta: Metadata, callback: StateStoreVerifyCallback): void;
  verify(req: Request, _state: string, metaOrCallback: Metadata | StateStoreVerifyCallback, last?: StateStoreVerifyCallback): void {
    const callback = last ?? (metaOrCallback as StateStoreVerifyCallback);
    const opened = esiaFlow(req as EsiaFlowRequest).opened;
    if (!opened) return callback(null, false, { message: 'state not taken' });
    callback(null, true, opened.purpose);
  }
}
